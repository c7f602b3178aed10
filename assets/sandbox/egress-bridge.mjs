/*
 * Runs inside the sandbox of the install phase, in front of the install command. The sandbox has its
 * own network namespace with nothing but a loopback interface; this bridge listens on a loopback port
 * there and carries each connection to the egress proxy's unix socket, which the sandbox sees through a
 * bind mount (unix sockets cross network namespaces). The command gets HTTPS_PROXY and friends pointing
 * at that port; anything that ignores them finds no route at all.
 *
 * Usage: node egress-bridge.mjs SOCKET PORT -- COMMAND [ARG...]
 * Exits with the command's exit code (or re-raises its signal).
 */
import net from 'node:net';
import { spawn } from 'node:child_process';

const [socketPath, portText, separator, ...command] = process.argv.slice(2);
if (!socketPath || !/^\d+$/.test(portText || '') || separator !== '--' || command.length === 0) {
  process.stderr.write('usage: egress-bridge.mjs SOCKET PORT -- COMMAND [ARG...]\n');
  process.exit(2);
}

const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect(socketPath);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
});

server.on('error', (error) => {
  process.stderr.write(`quality-gates: the install's proxy bridge could not listen on 127.0.0.1:${portText}: ${error.message}\n`);
  process.exit(125);
});

server.listen(Number(portText), '127.0.0.1', () => {
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`${command[0]}: ${error.message}\n`);
    process.exit(error.code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    server.close();
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code === null ? 1 : code);
    }
  });
});
