import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, requireExecutable } from './processes.js';

/** A throwaway certificate authority and a server certificate it signed, as PEM text. */
export interface TestCertificates {
  /** The CA certificate clients trust. */
  ca: string;
  /** The server's certificate (SAN: 127.0.0.1, localhost) and its private key. */
  cert: string;
  key: string;
  /** Another CA that signed nothing here: trusting only it must fail. */
  otherCa: string;
}

/** Makes a test CA and a server certificate for 127.0.0.1 with openssl, in a temp folder. */
export async function createTestCertificates(): Promise<TestCertificates> {
  const openssl = requireExecutable('openssl', 'openssl');
  const temp = makeTempDir('tls');
  const at = (name: string) => join(temp.path, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { stdio: 'pipe' });
  try {
    for (const name of ['ca', 'other'])
      run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=Atrium test ${name} CA`,
        '-keyout',
        at(`${name}.key`),
        '-out',
        at(`${name}.pem`),
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      );
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
    );
    const ext = at('server.ext');
    execFileSync('sh', [
      '-c',
      `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > "${ext}"`,
    ]);
    run(
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      at('server.pem'),
    );
    return {
      ca: readFileSync(at('ca.pem'), 'utf8'),
      cert: readFileSync(at('server.pem'), 'utf8'),
      key: readFileSync(at('server.key'), 'utf8'),
      otherCa: readFileSync(at('other.pem'), 'utf8'),
    };
  } finally {
    await temp.remove();
  }
}
