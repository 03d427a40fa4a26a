// Accepts TCP connections on 127.0.0.1 and never sends a byte: a server that "accepts but never answers".
// Prints its port on stdout; exits when stdin closes or it is killed.
import net from 'node:net';

const sockets = new Set();
const server = net.createServer((s) => {
  sockets.add(s);
  s.on('error', () => undefined);
  s.on('close', () => sockets.delete(s));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
