import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { EgressPolicy } from '../../../src/sandbox/egress/policy.js';
import { MAX_RECORDED_REFUSALS, startEgressProxy, type EgressProxy, type Resolver } from '../../../src/sandbox/egress/proxy.js';

let dir: string;
let echo: net.Server;
let echoPort: number;
let web: http.Server;
let webPort: number;
let seenHeaders: http.IncomingHttpHeaders | undefined;
let proxy: EgressProxy | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'qg-proxy-test-'));
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((done) => echo.listen(0, '127.0.0.1', done));
  echoPort = (echo.address() as net.AddressInfo).port;
  web = http.createServer((request, response) => {
    seenHeaders = request.headers;
    response.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' }).end(`${request.method ?? ''} ${request.url ?? ''}`);
  });
  await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
  webPort = (web.address() as net.AddressInfo).port;
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await new Promise((done) => echo.close(done));
  await new Promise((done) => web.close(done));
  await rm(dir, { recursive: true, force: true });
});

/** Names the tests resolve; loopback servers stand in for the registries, so the address check lets 127.0.0.1 through. */
const names: Record<string, string[]> = { 'registry.test': ['127.0.0.1'], 'web.test': ['127.0.0.1'], 'rebound.test': ['104.16.0.35', '127.0.0.1'], 'metadata.test': ['169.254.169.254'] };
const resolve: Resolver = (host) => {
  const found = names[host];
  return found === undefined ? Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' })) : Promise.resolve(found);
};

async function start(options: { realAddressCheck?: boolean } = {}): Promise<string> {
  const policy: EgressPolicy = {
    rules: [
      { host: 'registry.test', port: echoPort, scheme: 'https', source: 'test' },
      { host: 'rebound.test', port: 443, scheme: 'https', source: 'test' },
      { host: 'metadata.test', port: 80, scheme: 'http', source: 'test' },
      { host: 'nowhere.test', port: 443, scheme: 'https', source: 'test' },
      { host: 'web.test', port: webPort, scheme: 'http', source: 'test' },
    ],
  };
  const socketPath = path.join(dir, 'proxy.sock');
  proxy = await startEgressProxy({ socketPath, policy, resolve, ...(options.realAddressCheck === true ? {} : { refuseAddress: (a: string) => (a === '127.0.0.1' ? undefined : 'not the test server') }) });
  return socketPath;
}

/** Sends a CONNECT over the unix socket; resolves with the status line and the socket. */
function connect(socketPath: string, authority: string, head = ''): Promise<{ status: string; body: string; socket: net.Socket }> {
  return new Promise((done, fail) => {
    const socket = net.connect(socketPath);
    let received = '';
    socket.on('error', fail);
    socket.on('data', function onData(chunk) {
      received += chunk.toString();
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const status = received.slice(0, received.indexOf('\r\n'));
      if (!status.includes(' 200 ')) {
        socket.on('data', (more) => (received += more.toString()));
        socket.on('close', () => done({ status, body: received.slice(end + 4), socket }));
      } else {
        done({ status, body: received.slice(end + 4), socket });
      }
    });
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n${head}`);
  });
}

describe('the egress proxy', () => {
  it('tunnels to an allowed registry and carries bytes both ways, those sent with the CONNECT too', async () => {
    const socketPath = await start();
    const { status, body, socket } = await connect(socketPath, `registry.test:${String(echoPort)}`, 'early ');
    expect(status).toBe('HTTP/1.1 200 Connection Established');
    let echoed = body;
    socket.write('late');
    await new Promise<void>((done) => socket.on('data', (chunk) => ((echoed += chunk.toString()), echoed.includes('late') && done())));
    expect(echoed).toBe('early late');
    socket.destroy();
    expect(proxy?.report()).toEqual({ refused: [], refusedCount: 0, allowed: 1 });
  });

  it('refuses a host that is not on the list, an IP literal, and the wrong port, and records each', async () => {
    const socketPath = await start();
    const outside = await connect(socketPath, 'example.com:443');
    expect(outside.status).toBe('HTTP/1.1 403 Forbidden');
    expect(outside.body).toContain('example.com:443 refused: not a package registry; the install may reach only registry.test');
    expect(outside.body).toContain('QG_INSTALL_ALLOW_HOSTS');
    expect((await connect(socketPath, '127.0.0.1:6379')).status).toBe('HTTP/1.1 403 Forbidden');
    expect((await connect(socketPath, 'registry.test:22')).status).toBe('HTTP/1.1 403 Forbidden');
    expect(proxy?.report().refused).toEqual([
      { host: 'example.com', port: 443, reason: 'not a package registry' },
      { host: '127.0.0.1', port: 6379, reason: 'an IP address (a loopback address), not a registry name' },
      { host: 'registry.test', port: 22, reason: `port 22 is not the registry's (${String(echoPort)})` },
    ]);
  });

  it('refuses an allowed name that resolves to a loopback or metadata address, even next to a public one', async () => {
    const socketPath = await start({ realAddressCheck: true });
    const rebound = await connect(socketPath, 'rebound.test:443');
    expect(rebound.status).toBe('HTTP/1.1 403 Forbidden');
    expect(rebound.body).toContain('it resolves to 127.0.0.1, a loopback address');
    const response = await new Promise<http.IncomingMessage>((done) => {
      http.get({ socketPath, path: 'http://metadata.test/latest/meta-data/' }, done);
    });
    expect(response.statusCode).toBe(403);
    expect(proxy?.report().refused.map((refusal) => refusal.reason)).toEqual([
      'it resolves to 127.0.0.1, a loopback address',
      'it resolves to 169.254.169.254, a link-local address (cloud metadata lives there)',
    ]);
  });

  it('refuses a name that does not resolve, and a CONNECT without a port', async () => {
    const socketPath = await start();
    const missing = await connect(socketPath, 'nowhere.test:443');
    expect(missing.body).toContain('the name does not resolve (ENOTFOUND)');
    const malformed = await connect(socketPath, 'registry.test');
    expect(malformed.status).toBe('HTTP/1.1 400 Bad Request');
    expect(proxy?.report().refusedCount).toBe(2);
  });

  it('forwards plain HTTP only to a registry configured with http://, without the hop-by-hop headers', async () => {
    const socketPath = await start();
    const body = await new Promise<{ status: number | undefined; text: string; header: string | string[] | undefined }>((done) => {
      http.get({ socketPath, path: `http://web.test:${String(webPort)}/pkg?x=1`, headers: { 'proxy-authorization': 'Basic c2VjcmV0', accept: 'application/json' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done({ status: response.statusCode, text, header: response.headers['x-upstream'] }));
      });
    });
    expect(body).toEqual({ status: 200, text: 'GET /pkg?x=1', header: 'yes' });
    expect(seenHeaders?.host).toBe(`web.test:${String(webPort)}`);
    expect(seenHeaders?.accept).toBe('application/json');
    expect(seenHeaders?.['proxy-authorization']).toBeUndefined();
    const https = await new Promise<number | undefined>((done) => http.get({ socketPath, path: `http://registry.test:${String(echoPort)}/` }, (r) => done(r.statusCode)));
    expect(https).toBe(403);
  });

  it('keeps at most a bounded number of refusals but counts them all', async () => {
    const socketPath = await start();
    for (let i = 0; i < MAX_RECORDED_REFUSALS + 5; i += 1) await connect(socketPath, `host${String(i)}.example:443`);
    const report = proxy?.report();
    expect(report?.refused).toHaveLength(MAX_RECORDED_REFUSALS);
    expect(report?.refusedCount).toBe(MAX_RECORDED_REFUSALS + 5);
  });

  it('cuts open tunnels when it closes', async () => {
    const socketPath = await start();
    const { socket } = await connect(socketPath, `registry.test:${String(echoPort)}`);
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    await proxy?.close();
    proxy = undefined;
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
