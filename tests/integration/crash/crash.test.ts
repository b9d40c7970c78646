import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStation, seeded, type RunResult } from '../../support/crash-runner';
import { clearPathAsOperator, superviseFailedCards, type SupervisorRound } from '../../support/crash-supervisor';
import { checkAccounting } from '../../support/crash-accounting';

// The station is killed (SIGKILL) at random moments while it runs a batch, many times over, and
// restarted each time; between runs a supervisor decides on the failed cards. At the end every
// card must be accounted for, no record may have been personalized twice without a decision,
// and the log's hash chain must be intact.
const root = new URL('../../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, encoding: 'utf8' });

const CARDS = 100;
const KILLS = 25;
const BATCH = 'DEMO-0001';
const STEPS = ['chip', 'magstripe', 'emboss', 'laser'];
/** Killing stops once this much time went by (a loaded CI machine starts the station slower), so the test stays within about 5 minutes. */
const KILL_BUDGET_MS = 200_000;

test(`SIGKILL at random moments during a ${CARDS}-card batch, ${KILLS} times: every card accounted for, nothing made twice without a decision, the log intact`, { timeout: 360_000 }, async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
  console.log(`crash test seed ${seed} (replay with CRASH_SEED=${seed})`);
  const rand = seeded(seed);
  const dir = join(mkdtempSync(join(tmpdir(), 'perso-crash-')), 'D');
  const demo = cli('demo', '--dir', dir, '--cards', String(CARDS), '--time-scale', '0.02');
  assert.equal(demo.status, 0, demo.stderr);
  const config = join(dir, 'station.json');
  const t0 = Date.now();
  const runs: RunResult[] = [];
  const rounds: SupervisorRound[] = [];
  const supervise = async () => {
    const r = await superviseFailedCards(config, BATCH, () => rand() < 0.1);
    rounds.push(r);
    // What recovery.status lists must be what the store holds: every card failed as interrupted.
    for (const c of r.recovered) assert.equal(c.batchId, BATCH);
    assert.equal(r.decided.filter((d) => d.reason === 'INTERRUPTED').length, r.awaiting.length, 'recovery.status lists every interrupted card awaiting a decision');
    return r;
  };

  let kills = 0;
  let cleared = 0;
  // How long after its start a run may be killed, beyond the first 500 ms. A faster machine
  // makes more cards a run and would finish the batch before the kills are done, so the window
  // follows what the runs achieve: about 2–4 cards ended per killed run.
  let window = 1500;
  while (kills < KILLS && Date.now() - t0 < KILL_BUDGET_MS) {
    // Sometimes the supervisor decides before the next run, sometimes the station restarts
    // with interrupted cards still waiting (they must stay out of production).
    if (rand() < 0.6) await supervise();
    // After a crash the station refuses to feed while cards of the interrupted run may be in the
    // machine: the operator clears the path first.
    if (runs.at(-1)?.killed) cleared += await clearPathAsOperator(config);
    const r = await runStation(config, 500 + Math.floor(rand() * window));
    runs.push(r);
    if (r.killed) {
      kills++;
      window = Math.min(3000, Math.max(300, window * (r.ended > 4 ? 0.75 : r.ended < 2 ? 1.25 : 1)));
    } else assert.equal(r.code, 0, r.stderr);
  }
  // Then the line runs to the end: decide, run, until every record has its outcome.
  for (let i = 0; i < 12; i++) {
    const s = await supervise();
    if (s.counts.queued === 0 && s.counts.failed === 0 && s.counts.inProgress === 0) break;
    if (runs.at(-1)?.killed) cleared += await clearPathAsOperator(config);
    const r = await runStation(config, null);
    runs.push(r);
    assert.equal(r.code, 0, r.stderr);
  }

  const acc = checkAccounting(join(dir, 'data', 'station.db'), BATCH, STEPS);
  const recovered = rounds.reduce((n, r) => n + r.recovered.length, 0);
  console.log(
    `${kills} kills in ${Math.round((Date.now() - t0) / 1000)} s; runs ${runs.length} (cards ended per run: ${runs.map((r) => `${r.ended}${r.killed ? 'k' : ''}`).join(' ')}); ` +
      `${acc.records} records, ${acc.cards} cards: ${acc.passed} passed, ${acc.spoiled} spoiled of ${acc.physical} physical, ${acc.rejectedRecords} records rejected, ` +
      `${cleared} cleared from the path after a restart, ${acc.interrupted} interrupted (${recovered} recovered by the supervisor's opening, ${acc.claimedOnly} before any feed), ${acc.passedWithoutLog} passed cards missing their log entry`,
  );
  assert.deepEqual(acc.problems, []);
  assert.equal(acc.passedWithoutLog, 0, 'every passed card has its card.passed entry in the log');
  assert.ok(kills >= 20, `only ${kills} kills fitted in the time budget`);
  assert.ok(acc.interrupted >= 5, `only ${acc.interrupted} kills caught a card in flight: the test did not test much`);
  assert.equal(acc.passed + acc.rejectedRecords, CARDS);

  const verify = cli('audit', 'verify', '--config', config);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /log intact/);
});
