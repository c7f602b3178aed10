/**
 * The install phase's only way out of its network namespace: a small HTTP proxy on a unix socket (the
 * socket's folder is bound into the sandbox, and a bridge inside forwards a loopback port to it). It
 * tunnels CONNECT to the allowlisted registries without looking inside (no TLS interception), forwards
 * plain HTTP only to registries an operator configured with `http://`, resolves every name itself
 * (the sandbox has no DNS) and connects only to the public address it resolved, so a name that points
 * at the host, its network or a metadata service is refused however it is spelled or re-resolved.
 * Each refusal is recorded for the command's result.
 * @module
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { isIpLiteral, refusedAddress } from './address.js';
import { decide, describePolicy, normaliseHost, type AllowRule, type EgressPolicy } from './policy.js';

/** Time to resolve a name and open the upstream connection: a dead registry fails fast. */
export const CONNECT_TIMEOUT_MS = 15_000;

/** A tunnel with no traffic for this long is closed (npm and pip keep idle sockets alive far shorter). */
export const IDLE_TIMEOUT_MS = 120_000;

/** Connections one install may hold open at once (npm uses up to 15 sockets per host by default). */
export const MAX_CONNECTIONS = 128;

/** Refusals recorded per command; beyond it only the count goes up (a loop of attempts cannot fill memory). */
export const MAX_RECORDED_REFUSALS = 50;

/** A connection the proxy refused. */
export interface EgressRefusal {
  /** The host asked for, as the client wrote it. */
  host: string;
  /** The port asked for. */
  port: number;
  /** Why it was refused (`a loopback address`, `not a package registry`). */
  reason: string;
}

/** What one command did through the proxy. */
export interface EgressReport {
  /** Connections refused (the first {@link MAX_RECORDED_REFUSALS}). */
  refused: EgressRefusal[];
  /** All refusals, including those not recorded. */
  refusedCount: number;
  /** Connections let through. */
  allowed: number;
}

/** Resolves a name to its addresses (all families); replaceable in tests. */
export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Options of {@link startEgressProxy}. */
export interface EgressProxyOptions {
  /** Where to listen (a unix socket path). */
  socketPath: string;
  /** What may be reached. */
  policy: EgressPolicy;
  /** Name resolution (default: the host's resolver). */
  resolve?: Resolver;
  /** Why an address may not be connected to (default {@link refusedAddress}; tests let their loopback servers stand in for a registry). */
  refuseAddress?: (address: string) => string | undefined;
}

/** A running proxy for one sandboxed command. */
export interface EgressProxy {
  /** What went through so far. */
  report(): EgressReport;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

/** Splits `host:port` / `[v6]:port` of a CONNECT request. */
function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65_536 ? { host: match[1] ?? '', port } : undefined;
}

/** The one address to connect to, or why none may be used. Every address must pass: no mixing in a private one. */
async function resolveAllowed(host: string, rule: AllowRule, resolve: Resolver, refuseAddress: (address: string) => string | undefined): Promise<{ address: string } | { reason: string }> {
  const name = normaliseHost(host);
  let addresses: string[];
  try {
    addresses = isIpLiteral(name) ? [name] : await resolve(name);
  } catch (error) {
    return { reason: `the name does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (addresses.length === 0) return { reason: 'the name does not resolve' };
  for (const address of addresses) {
    const why = refuseAddress(address);
    const privateOk = rule.privateAddresses === true && why !== undefined && /private|carrier-grade|unique-local/.test(why);
    if (why !== undefined && !privateOk) return { reason: `it resolves to ${address}, ${why}` };
  }
  return { address: addresses[0] ?? '' };
}

/** Answers a client with a status line and a one-line reason, then closes. */
function refuse(socket: Duplex, status: number, text: string): void {
  const body = `quality-gates egress proxy: ${text}\n`;
  socket.end(`HTTP/1.1 ${String(status)} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`);
}

/** Headers that belong to one hop, not to the request being forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Starts a proxy on `socketPath` for one sandboxed command.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const resolve = options.resolve ?? systemResolver;
  const report: EgressReport = { refused: [], refusedCount: 0, allowed: 0 };
  const sockets = new Set<Duplex>();
  const record = (host: string, port: number, reason: string): void => {
    report.refusedCount += 1;
    if (report.refused.length < MAX_RECORDED_REFUSALS) report.refused.push({ host, port, reason });
  };
  const allowedHosts = describePolicy(options.policy);

  /** Checks the policy, then the addresses the name resolves to; records a refusal and says why. */
  const admit = async (host: string, port: number, scheme: 'https' | 'http'): Promise<{ address: string } | { refusal: string }> => {
    const decision = decide(options.policy, host, port, scheme);
    if (!decision.allowed) {
      record(host, port, decision.reason);
      return { refusal: `${host}:${String(port)} refused: ${decision.reason}; the install may reach only ${allowedHosts} (QG_INSTALL_ALLOW_HOSTS adds hosts)` };
    }
    const target = await resolveAllowed(host, decision.rule, resolve, options.refuseAddress ?? refusedAddress);
    if ('reason' in target) {
      record(host, port, target.reason);
      return { refusal: `${host}:${String(port)} refused: ${target.reason}` };
    }
    return target;
  };

  const server = http.createServer({ requestTimeout: CONNECT_TIMEOUT_MS * 4 });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('connect', (request: http.IncomingMessage, client: Duplex, head: Buffer) => {
    client.on('error', () => client.destroy());
    const authority = splitAuthority(request.url ?? '');
    if (authority === undefined) {
      record(request.url ?? '', 0, 'not a host:port');
      refuse(client, 400, `CONNECT needs host:port, got "${request.url ?? ''}"`);
      return;
    }
    void admit(authority.host, authority.port, 'https').then((admitted) => {
      if ('refusal' in admitted) {
        refuse(client, 403, admitted.refusal);
        return;
      }
      if (client.destroyed) return;
      // No Nagle on either leg: a tunnel carries TLS records that must not wait for a delayed ACK.
      const upstream = net.connect({ host: admitted.address, port: authority.port, timeout: CONNECT_TIMEOUT_MS, noDelay: true });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.once('timeout', () => {
        if (upstream.connecting) refuse(client, 504, `${authority.host}:${String(authority.port)} did not answer`);
        upstream.destroy();
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (upstream.connecting) refuse(client, 502, `${authority.host}:${String(authority.port)}: ${error.code ?? error.message}`);
        client.destroy();
      });
      upstream.once('connect', () => {
        report.allowed += 1;
        upstream.setTimeout(IDLE_TIMEOUT_MS);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        client.pipe(upstream).pipe(client);
      });
      client.on('close', () => upstream.destroy());
    });
  });

  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('quality-gates egress proxy: only absolute http:// URLs are proxied\n');
      return;
    }
    const port = url.port === '' ? 80 : Number(url.port);
    if (url.protocol !== 'http:') {
      record(url.hostname, port, `${url.protocol} through a plain request`);
      response.writeHead(400, { 'content-type': 'text/plain' }).end('quality-gates egress proxy: use CONNECT for https\n');
      return;
    }
    void admit(url.hostname, port, 'http').then((admitted) => {
      if ('refusal' in admitted) {
        response.writeHead(403, { 'content-type': 'text/plain' }).end(`quality-gates egress proxy: ${admitted.refusal}\n`);
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      const upstream = http.request({ host: admitted.address, port, method: request.method, path: `${url.pathname}${url.search}`, headers: { ...headers, host: url.host }, timeout: CONNECT_TIMEOUT_MS });
      upstream.on('response', (answer) => {
        report.allowed += 1;
        const answerHeaders = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
        response.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(response);
      });
      upstream.on('timeout', () => upstream.destroy(new Error('no answer')));
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`quality-gates egress proxy: ${url.host}: ${error.code ?? error.message}\n`);
      });
      request.pipe(upstream);
    });
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.socketPath, () => {
      server.off('error', fail);
      done();
    });
  });

  return {
    report: () => ({ refused: [...report.refused], refusedCount: report.refusedCount, allowed: report.allowed }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
