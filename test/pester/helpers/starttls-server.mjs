// An SMTP server on 127.0.0.1 that offers STARTTLS with TLS 1.2 only and the cipher suites in
// $env:EXTLS_TEST_CIPHERS (OpenSSL names; default: one Exchange Online does not offer), with a self-signed
// certificate for mx.extls.test made by openssl at start. Prints its port on stdout; exits when stdin closes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

const dir = mkdtempSync(join(tmpdir(), 'extls-pester-tls-'));
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '5', '-subj', '/CN=mx.extls.test',
  '-addext', 'subjectAltName=DNS:mx.extls.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
], { stdio: 'ignore' });
const context = tls.createSecureContext({
  key: readFileSync(join(dir, 'key.pem')),
  cert: readFileSync(join(dir, 'cert.pem')),
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.2',
  ciphers: process.env.EXTLS_TEST_CIPHERS || 'ECDHE-RSA-CHACHA20-POLY1305',
});
rmSync(dir, { recursive: true, force: true });

function dialogue(stream, secure) {
  let buffer = '';
  stream.setEncoding('utf8');
  const onData = (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      const verb = line.split(' ')[0].toUpperCase();
      if (verb === 'EHLO') stream.write(secure ? '250-mx.extls.test\r\n250 8BITMIME\r\n' : '250-mx.extls.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n');
      else if (verb === 'STARTTLS' && !secure) {
        stream.removeListener('data', onData);
        stream.write('220 2.0.0 Ready to start TLS\r\n', () => {
          const secureSocket = new tls.TLSSocket(stream, { isServer: true, secureContext: context });
          secureSocket.on('error', () => stream.destroy());
          dialogue(secureSocket, true);
        });
        return;
      } else if (verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') stream.write('250 2.0.0 OK\r\n');
      else if (verb === 'QUIT') { stream.write('221 2.0.0 Bye\r\n'); stream.end(); }
      else stream.write('502 5.5.2 Command not recognized\r\n');
    }
  };
  stream.on('data', onData);
}

const server = net.createServer((s) => {
  s.on('error', () => undefined);
  s.write('220 mx.extls.test ESMTP extls-pester\r\n');
  dialogue(s, false);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
