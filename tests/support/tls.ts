import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Certificates for the floor's TLS tests, made with the openssl command as a bureau's IT would:
// a CA, the database server's certificate (for 127.0.0.1) and one client certificate per login
// role (its CN is the role, which PostgreSQL's clientcert=verify-full compares with the login).
export interface TestPki {
  dir: string;
  caFile: string;
  ca: string;
  server: { certFile: string; keyFile: string };
  /** A client certificate whose CN is `cn` (made on first use). */
  client(cn: string): { cert: string; key: string; certFile: string; keyFile: string };
  close(): void;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, subject: string, ext: string | null, ca: { cert: string; key: string }): { certFile: string; keyFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-subj', subject, '-out', join(dir, `${name}.csr`)]);
  const extArgs = ext ? ['-extfile', join(dir, `${name}.ext`)] : [];
  if (ext) writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-sha256', '-out', certFile, ...extArgs]);
  return { certFile, keyFile };
}

export function makePki(name = 'floor'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), `perso-pki-${name}-`));
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  openssl(dir, ['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-subj', `/CN=Perso test CA ${name}`, '-days', '2', '-sha256', '-out', caFile]);
  const ca = { cert: caFile, key: caKey };
  const server = issue(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', ca);
  const clients = new Map<string, { cert: string; key: string; certFile: string; keyFile: string }>();
  return {
    dir,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    server,
    client(cn) {
      let c = clients.get(cn);
      if (!c) {
        const files = issue(dir, `client-${cn}`, `/CN=${cn}`, 'extendedKeyUsage=clientAuth\n', ca);
        c = { ...files, cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
        clients.set(cn, c);
      }
      return c;
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
