/**
 * A loopback stand-in for the `@connections` API that answers every request 200 at once and keeps nothing:
 * the fan-out, REST and memory benches post to it. Runs as its own process (`startChild`), so its CPU is not
 * charged to the client being measured.
 */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: { port: typeof address === 'object' && address ? address.port : 0 } });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
