import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../../support/postgres';
import { makePki, type TestPki } from '../../support/tls';
import { addServiceLogin, addStation } from '../../../electron/floor/db/accounts';
import { FloorClient } from '../../../electron/floor/link/client';

// The floor over TLS with per-station certificates (issue 15 item 5): the database takes TCP
// logins only over TLS, and a station's role only with that station's certificate (its CN is
// the role; pg_hba clientcert=verify-full) besides its password. Enforced by PostgreSQL itself.
let server: TestPostgres;
let pki: TestPki;
let other: TestPki;
const root = new URL('../../..', import.meta.url).pathname;

before(async () => {
  pki = makePki('floor');
  other = makePki('other');
  server = await startPostgres('tls', { tls: pki });
  await server.createDatabase('floor');
  const cfg = join(pki.dir, 'floor.json');
  // Migrated through the CLI, as the owner over TLS (floor.json database.ssl, paths relative to it).
  writeFileSync(cfg, JSON.stringify({ database: { url: server.url('floor', 'floor_svc', 'svc-pw'), ownerUrl: server.url('floor'), ssl: { ca: 'ca.crt' } } }));
  const m = spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), 'floor', 'migrate', '--config', cfg], { cwd: root, encoding: 'utf8' });
  assert.equal(m.status, 0, m.stdout + m.stderr);
  const owner = new pg.Client({ connectionString: server.url('floor'), ssl: server.ssl });
  await owner.connect();
  await addServiceLogin(owner, 'floor_svc', 'svc-pw');
  await addStation(owner, { stationId: 'A', password: 'a-pw' });
  await addStation(owner, { stationId: 'B', password: 'b-pw' });
  await owner.end();
});
after(async () => {
  await server?.stop();
  pki?.close();
  other?.close();
});

async function connect(user: string, pw: string, ssl: pg.ClientConfig['ssl']): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: server.url('floor', user, pw), ssl, connectionTimeoutMillis: 5000 });
  c.on('error', () => {});
  await c.connect();
  return c;
}

test("a station logs in over TLS with its own certificate; the session is encrypted and the database knows the certificate's name", async () => {
  const a = pki.client('floor_st_a');
  const c = await connect('floor_st_a', 'a-pw', { ca: pki.ca, cert: a.cert, key: a.key, rejectUnauthorized: true });
  try {
    const r = await c.query<{ ssl: boolean; client_dn: string; me: string }>('SELECT s.ssl, s.client_dn, floor.my_station() AS me FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
    assert.deepEqual(r.rows[0], { ssl: true, client_dn: '/CN=floor_st_a', me: 'A' });
  } finally {
    await c.end();
  }
  // The station's client takes the same options.
  const fc = new FloorClient({ connectionString: server.url('floor', 'floor_st_a', 'a-pw'), ssl: { ca: pki.ca, cert: a.cert, key: a.key, rejectUnauthorized: true } });
  try {
    assert.equal(await fc.auditHead(), null);
  } finally {
    await fc.close();
  }
});

test('refused: no TLS, no client certificate, another station\'s certificate, and a server the CA did not sign', async () => {
  const a = pki.client('floor_st_a');
  const b = pki.client('floor_st_b');
  await assert.rejects(connect('floor_st_a', 'a-pw', false), /no pg_hba\.conf entry.*no encryption/);
  await assert.rejects(connect('floor_st_a', 'a-pw', { ca: pki.ca, rejectUnauthorized: true }), /connection requires a valid client certificate/);
  // The right password (the first test logs in with it) with station B's certificate: B's key does
  // not make A. PostgreSQL tells the client only that authentication failed, whichever part did.
  await assert.rejects(connect('floor_st_a', 'a-pw', { ca: pki.ca, cert: b.cert, key: b.key, rejectUnauthorized: true }), /authentication failed for user "floor_st_a"/);
  await (await connect('floor_st_b', 'b-pw', { ca: pki.ca, cert: b.cert, key: b.key, rejectUnauthorized: true })).end();
  // A certificate from another CA is not one of the floor's.
  const o = other.client('floor_st_a');
  await assert.rejects(connect('floor_st_a', 'a-pw', { ca: pki.ca, cert: o.cert, key: o.key, rejectUnauthorized: true }), /certificate|unknown ca|alert/i);
  // The client checks the server: trusting only another CA, it does not send its password.
  await assert.rejects(connect('floor_st_a', 'a-pw', { ca: other.ca, cert: a.cert, key: a.key, rejectUnauthorized: true }), /self[- ]signed certificate|unable to verify/);
});
