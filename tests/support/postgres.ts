import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chownSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestPki } from './tls';

// A real, throw-away PostgreSQL 15 for the floor's tests: initdb + pg_ctl in a temporary
// directory on a free loopback port, stopped and deleted afterwards. PostgreSQL refuses to run
// as root, so under root (CI) the cluster belongs to the `postgres` user the Debian package
// creates and its programs run through runuser; otherwise they run as the current user.
// Connections over TCP need a password (scram-sha-256) as on a real floor, so the tests
// exercise the stations' credentials; the superuser's password is in the pwfile given to initdb.
export const PG_BIN = process.env.PERSO_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'floor_admin';

export interface TestPostgres {
  host: string;
  port: number;
  dir: string;
  superuser: { user: string; password: string };
  /** With TLS: what a client needs to trust the server (pg's `ssl` option, the CA only). */
  ssl?: { ca: string; rejectUnauthorized: true };
  /** A URL for `user` on `database` (the superuser's by default). */
  url(database: string, user?: string, password?: string): string;
  /** A new, empty database owned by the superuser. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on a database (set-up of a test). */
  admin<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  /** Stops the server as a crash would (connections cut), keeping its data: the floor is unreachable. */
  halt(): void;
  /** Starts it again on the same port after halt(). */
  resume(): void;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function asOwner(): { prefix: string[]; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function run(owner: ReturnType<typeof asOwner>, cmd: string, args: string[]): void {
  const argv = owner ? [...owner.prefix, join(PG_BIN, cmd), ...args] : [join(PG_BIN, cmd), ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: '/' });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
}

// With TLS (opts.tls): the server's certificate and key from the test PKI, and a pg_hba.conf that
// takes TCP logins over TLS only: the superuser (set-up) with its password, every other role with
// its password and a client certificate whose CN is the role (clientcert=verify-full), as a floor
// with per-station certificates is meant to run.
const TLS_HBA = `local all all trust
hostssl all ${SUPERUSER} 127.0.0.1/32 scram-sha-256
hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-full
`;

export async function startPostgres(name = 'floor', opts: { tls?: TestPki } = {}): Promise<TestPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}/initdb); apt-get install postgresql-15`);
  const owner = asOwner();
  const dir = mkdtempSync(join(tmpdir(), `perso-pg-${name}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const password = `pw-${process.pid}-${Date.now()}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const data = join(dir, 'data');
  // --no-sync and fsync=off: a throw-away cluster for behaviour tests, never for durability figures.
  // synchronous_commit stays on: halt() is a crash, and a commit must survive it as on a real floor
  // (with it off, the last commits were lost and a station's lease vanished after the restart).
  run(owner, 'initdb', ['-D', data, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  let tlsArgs = '';
  if (opts.tls) {
    const own = (f: string, text: string, mode: number) => {
      writeFileSync(join(dir, f), text, { mode });
      if (owner) chownSync(join(dir, f), owner.uid, owner.gid);
    };
    // PostgreSQL refuses a key file others can read.
    own('server.crt', readFileSync(opts.tls.server.certFile, 'utf8'), 0o644);
    own('server.key', readFileSync(opts.tls.server.keyFile, 'utf8'), 0o600);
    own('ca.crt', opts.tls.ca, 0o644);
    writeFileSync(join(data, 'pg_hba.conf'), TLS_HBA);
    tlsArgs = ` -c ssl=on -c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')} -c ssl_ca_file=${join(dir, 'ca.crt')}`;
  }
  const ssl = opts.tls ? { ca: opts.tls.ca, rejectUnauthorized: true as const } : undefined;
  let port = 0;
  const start = () => run(owner, 'pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60${tlsArgs}`, 'start']);
  // The port is free when asked, not necessarily when the server binds it: try again on a clash.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (e) {
      if (attempt >= 2) throw new Error(`${(e as Error).message}\n${existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : ''}`);
    }
  }
  const host = '127.0.0.1';
  const url = (database: string, user = SUPERUSER, pw = password) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${host}:${port}/${encodeURIComponent(database)}`;
  const admin = async <T extends pg.QueryResultRow>(database: string, sql: string, params?: unknown[]) => {
    const c = new pg.Client({ connectionString: url(database), ssl });
    await c.connect();
    try {
      return await c.query<T>(sql, params);
    } finally {
      await c.end();
    }
  };
  let stopped = false;
  // A test process that ends without calling stop() (a failed before(), an uncaught error) must
  // not leave a server running: stopped synchronously on exit.
  const onExit = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(owner, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    host,
    port,
    dir,
    superuser: { user: SUPERUSER, password },
    ssl,
    url,
    admin,
    halt() {
      run(owner, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    resume() {
      start();
    },
    async createDatabase(db: string) {
      await admin('postgres', `CREATE DATABASE "${db.replace(/"/g, '')}"`);
      return url(db);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      // immediate: nothing here is worth a checkpoint.
      try {
        run(owner, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
