// A TCP proxy in front of the real Redis, so a test can make "Redis" go away (close every
// connection and refuse new ones) or hang (accept but never answer) without touching the real one.
import net from 'node:net';
import { testRedisAddress } from '../../support/redis.js';

export interface RedisProxy {
  url: string;
  /** Closes every connection and stops listening: like Redis dying. */
  kill(): Promise<void>;
  /** Keeps connections open but drops everything sent: like a stalled Redis or a black-holed network. */
  hang(): void;
}

export async function startRedisProxy(target = testRedisAddress()): Promise<RedisProxy> {
  const sockets = new Set<net.Socket>();
  let hanging = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => hanging || upstream.write(chunk));
    upstream.on('data', (chunk) => hanging || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    async kill() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    hang() {
      hanging = true;
    },
  };
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
