import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { CallEnvelope } from '../../../shared/contract/api';
import { startStationFixture } from '../../support/station-fixture';
import { demoRecords, DEMO_PRODUCT_ID } from '../../../electron/cli/demo';

// Issue 12 item 4: on a 2-core station the import worker and its seal workers are busy threads
// beside the device thread; a device-thread timer that fired while they held the cores waited for
// a time slice (stalls of ~20 ms with no batch running, bench import-stall). The seal workers (pure
// CPU) run at a lower priority than the device thread, so the scheduler gives it the CPU when it
// wakes; the import worker is not lowered (it holds the write lock the device thread may wait for).
// Linux schedules threads: each thread's nice value is in /proc/self/task/TID/stat.
const N = 20_000;

function niceOfThreads(): { tid: number; nice: number }[] {
  const out: { tid: number; nice: number }[] = [];
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      // Fields after the command name (in parentheses): state is field 3, nice field 19.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(t), nice: Number(f[19 - 3]) });
    } catch {
      // The thread ended while listed.
    }
  }
  return out;
}

test('the import\'s seal workers run below the device thread\'s priority', { skip: process.platform !== 'linux', timeout: 300_000 }, async () => {
  const fx = await startStationFixture();
  try {
    const conn = { id: 'c1', origin: 'ui:test', sessionId: null as string | null };
    assert.ok(((await dispatch(fx.core.handlers, 'session.login', fx.credentials.operator, conn)) as CallEnvelope<unknown>).ok);
    let lowered = 0;
    let mainNice: number | null = null;
    const off = fx.core.station.events.on('task.progress', (p) => {
      if (p.finished) return;
      const threads = niceOfThreads();
      lowered = Math.max(lowered, threads.filter((t) => t.nice >= 10).length);
      mainNice = threads.find((t) => t.tid === process.pid)?.nice ?? null;
    });
    const file = JSON.stringify({ format: 'perso-batch/1', batchId: 'PRIO', productId: DEMO_PRODUCT_ID, records: demoRecords(N, Buffer.alloc(16, 7)) });
    const r = (await dispatch(fx.core.handlers, 'batches.import', { fileName: 'prio.json', content: file }, conn)) as CallEnvelope<{ records: number }>;
    off();
    assert.ok(r.ok, JSON.stringify(r).slice(0, 300));
    assert.equal(r.value.records, N);
    // Every seal worker (at least one); the device thread itself keeps its priority.
    assert.ok(lowered >= 1, `${lowered} thread(s) of the import ran at a lowered priority (expected its seal workers)`);
    assert.equal(mainNice, 0);
  } finally {
    await fx.close();
  }
});
