import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../support/postgres';
import { addServiceLogin, addStation } from '../../../electron/floor/db/accounts';
import { intakeBatch } from '../../../electron/floor/service/intake';
import { FloorClient } from '../../../electron/floor/link/client';
import { RecordVault } from '../../../electron/core/store/record-vault';
import { plainProducts, batchFile } from '../../support/floor';

// `perso-station floor migrate` and `floor serve` as processes against a real PostgreSQL.
const root = new URL('../../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, encoding: 'utf8' });

test('floor migrate (twice), then floor serve makes an expired lease\'s cards interrupted', async () => {
  const server = await startPostgres('cli');
  const dir = mkdtempSync(join(tmpdir(), 'perso-floor-cli-'));
  const owner = new pg.Client({ connectionString: await server.createDatabase('floor') });
  try {
    const config = join(dir, 'floor.json');
    writeFileSync(config, JSON.stringify({ database: { ownerUrl: server.url('floor'), url: server.url('floor', 'floor_svc', 'svc-pw') }, sweepSeconds: 1 }));
    const m1 = cli('floor', 'migrate', '--config', config);
    assert.equal(m1.status, 0, m1.stderr);
    assert.match(m1.stdout, /floor schema migrated to version 2 \(applied 1, 2\)/);
    const m2 = cli('floor', 'migrate', '--config', config);
    assert.match(m2.stdout, /floor schema already at version 2/);
    assert.equal(cli('floor', 'nonsense', '--config', config).status, 2);

    await owner.connect();
    await addServiceLogin(owner, 'floor_svc', 'svc-pw');
    await addStation(owner, { stationId: 'A', password: 'a-pw' });
    await intakeBatch({ client: owner, vault: RecordVault.open(':memory:'), products: plainProducts(), fileName: 'b.json', by: 't', stations: ['A'] }, [batchFile('CLI-1', 3)]);
    const a = new FloorClient({ connectionString: server.url('floor', 'floor_st_a', 'a-pw') });
    const l = (await a.claim('CLI-1', 2))!;
    await a.close();
    await owner.query("UPDATE floor.leases SET expires_at = now() - interval '1 second' WHERE lease_id = $1", [l.leaseId]);

    const p = spawn(process.execPath, [join(root, 'bin/perso-station.mjs'), 'floor', 'serve', '--config', config], { cwd: root });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => p.on('close', r));
    // Waits for the effect, not for a time: the service's first sweep.
    while (!/expired: 2 card\(s\) interrupted/.test(out) && p.exitCode == null) await new Promise((r) => setTimeout(r, 100));
    p.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /lease of station A on batch CLI-1 expired: 2 card\(s\) interrupted/);
    const s = await owner.query("SELECT state, count(*)::int AS n FROM floor.cards WHERE batch_id = 'CLI-1' GROUP BY 1 ORDER BY 1");
    assert.deepEqual(s.rows, [{ state: 'interrupted', n: 2 }, { state: 'queued', n: 1 }]);
  } finally {
    await owner.end().catch(() => {});
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
