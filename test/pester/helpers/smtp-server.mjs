// A minimal SMTP server on 127.0.0.1 that does NOT offer STARTTLS and refuses mail without TLS (530), like a
// misconfigured receive connector. Prints its port on stdout; exits when stdin closes or it is killed.
import net from 'node:net';

const server = net.createServer((s) => {
  s.setEncoding('utf8');
  s.on('error', () => undefined);
  s.write('220 smtp.test ESMTP extls-pester\r\n');
  let buffer = '';
  s.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      const verb = line.split(' ')[0].toUpperCase();
      if (verb === 'EHLO') s.write('250-smtp.test\r\n250-SIZE 10485760\r\n250 8BITMIME\r\n');
      else if (verb === 'HELO') s.write('250 smtp.test\r\n');
      else if (verb === 'MAIL') s.write('530 5.7.0 Must issue a STARTTLS command first\r\n');
      else if (verb === 'RSET' || verb === 'NOOP') s.write('250 2.0.0 OK\r\n');
      else if (verb === 'QUIT') { s.write('221 2.0.0 Bye\r\n'); s.end(); }
      else s.write('502 5.5.2 Command not recognized\r\n');
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
