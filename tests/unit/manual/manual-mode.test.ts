import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openManualStation, type ManualStation } from './manual-station';
import type { ManualPromptDto } from '../../../shared/contract/areas/manual';

type Pending = { manual: boolean; prompts: ManualPromptDto[] };
const tick = () => new Promise((r) => setTimeout(r, 5));

/** Acts as the operator at the desk: does what each prompt says, until the engine is done. */
async function operate(m: ManualStation, seen: ManualPromptDto[]): Promise<void> {
  const done = m.station.engine.idle();
  let finished = false;
  void done.then(() => (finished = true));
  const handled = new Set<string>();
  let inReader: number | null = null;
  while (!finished) {
    const { prompts } = (await m.call('manual.pending', {})) as Pending;
    for (const p of prompts) {
      if (handled.has(p.promptId)) continue;
      handled.add(p.promptId);
      seen.push(p);
      if (p.needsConfirmation) {
        // The card leaves the reader when it is carried elsewhere.
        if (inReader === p.cardId) {
          m.reader.remove();
          inReader = null;
        }
        await m.call('manual.confirm', { promptId: p.promptId });
      } else {
        m.reader.remove();
        await tick();
        m.reader.insert();
        inReader = p.cardId;
      }
    }
    await tick();
  }
  await done;
}

const short = (p: ManualPromptDto) => `${p.recordId} ${p.instruction}${p.deviceId ? ` ${p.deviceId}/${p.slot}` : ''}${p.needsConfirmation ? '' : ' (sensed)'}`;

test('manual mode: the operator is told where each card goes, the reader senses the card, the others wait for a confirmation', async () => {
  const m = await openManualStation({ cards: 3 });
  try {
    const events: (ManualPromptDto | null)[] = [];
    m.station.events.on('manual.prompt', (p) => events.push(p));
    await m.call('engine.start', { batchId: 'M-1' });
    const seen: ManualPromptDto[] = [];
    await operate(m, seen);
    assert.equal(m.station.engine.status().state, 'finished');
    assert.deepEqual(seen.filter((p) => p.recordId === 'R000001').map(short), [
      'R000001 place chip-0/0 (sensed)',
      'R000001 move encoder/0',
      'R000001 move laser/0',
      'R000001 good-tray',
    ]);
    assert.equal(seen.length, 12);
    for (const p of seen) assert.match(p.maskedPan, /^492181\*+\d{4}$/);
    // Every step ran only after its card was placed, and the chip step found its card in the reader.
    assert.equal(m.runs.filter((r) => r.includes('NO CARD')).length, 0);
    assert.equal(m.runs.length, 9);
    assert.equal(events.at(-1), null, 'nothing pending at the end');
    const c = (await m.call('queue.counts', { batchId: 'M-1' })) as { passed: number };
    assert.equal(c.passed, 3);
    const log = m.station.audit.query({ type: 'manual.confirm', limit: 100 }).rows;
    assert.equal(log.length, 9, 'each confirmation is logged');
    assert.ok(log.every((e) => e.user === 'op' && /confirmed card R00000\d is (in (encoder|laser)|in the good tray)/.test(e.message)));
  } finally {
    await m.close();
  }
});

test('manual mode: a failed card goes to the reject tray; a sensed prompt cannot be confirmed; unknown prompts are refused', async () => {
  const m = await openManualStation({ cards: 2, fail: (kind, ctx) => (kind === 'magstripe' && ctx.record.recordId === 'R000002' ? { ok: false, reason: 'MSR_WRITE_ERROR', message: 'write failed', retryable: false } : null) });
  try {
    await m.call('engine.start', { batchId: 'M-1' });
    // The first prompt is the chip head's: the reader says when the card is in, so it takes no confirmation.
    let first: ManualPromptDto | undefined;
    for (let i = 0; i < 200 && !first; i++, await tick()) first = ((await m.call('manual.pending', {})) as Pending).prompts[0];
    assert.ok(first);
    assert.equal(first.needsConfirmation, false);
    await assert.rejects(m.call('manual.confirm', { promptId: first.promptId }), (e: { code: string }) => e.code === 'CONFLICT');
    await assert.rejects(m.call('manual.confirm', { promptId: 'p999' }), (e: { code: string }) => e.code === 'NOT_FOUND');
    await assert.rejects(m.call('manual.confirm', { promptId: first.promptId }, { id: 'x', origin: 'ui:x', sessionId: null }), (e: { code: string }) => e.code === 'AUTH');
    const seen: ManualPromptDto[] = [];
    await operate(m, seen);
    const r2 = seen.filter((p) => p.recordId === 'R000002').map(short);
    assert.deepEqual(r2, ['R000002 place chip-0/0 (sensed)', 'R000002 move encoder/0', 'R000002 reject-tray']);
    assert.equal(seen.filter((p) => p.instruction === 'good-tray').length, 1);
    const failed = m.station.store.page({ batchId: 'M-1', states: ['failed'], offset: 0, limit: 5 }).rows;
    assert.deepEqual(failed.map((c) => [c.record_id, c.reason]), [['R000002', 'MSR_WRITE_ERROR']]);
    assert.ok(!m.runs.includes('R000002 laser'), 'a failed card skips the rest');
  } finally {
    await m.close();
  }
});

test('manual mode: a card is not worked on before the operator confirms it is in the device', async () => {
  const m = await openManualStation({ cards: 1, steps: ['magstripe'] });
  try {
    await m.call('engine.start', { batchId: 'M-1' });
    let p: ManualPromptDto | undefined;
    for (let i = 0; i < 200 && !p; i++, await tick()) p = ((await m.call('manual.pending', {})) as Pending).prompts[0];
    assert.ok(p);
    assert.equal(p.instruction, 'place');
    assert.equal(p.deviceId, 'encoder');
    assert.equal(p.needsConfirmation, true);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(m.runs, [], 'nothing ran while the card was not confirmed in place');
    assert.equal(m.station.engine.status().state, 'running');
    await m.call('manual.confirm', { promptId: p.promptId });
    let tray: ManualPromptDto | undefined;
    for (let i = 0; i < 200 && !tray; i++, await tick()) tray = ((await m.call('manual.pending', {})) as Pending).prompts[0];
    assert.ok(tray);
    assert.deepEqual(m.runs, ['R000001 magstripe']);
    assert.equal(tray.instruction, 'good-tray');
    assert.equal(m.station.store.card(tray.cardId).state, 'in_progress', 'the card is done only once it is in the tray');
    await m.call('manual.confirm', { promptId: tray.promptId });
    await m.station.engine.idle();
    assert.equal(m.station.store.card(tray.cardId).state, 'passed');
  } finally {
    await m.close();
  }
});

test('manual mode: an emergency stop cancels the pending prompt and ends the card', async () => {
  const m = await openManualStation({ cards: 2, steps: ['magstripe', 'laser'] });
  try {
    const events: (ManualPromptDto | null)[] = [];
    m.station.events.on('manual.prompt', (p) => events.push(p));
    await m.call('engine.start', { batchId: 'M-1' });
    let p: ManualPromptDto | undefined;
    for (let i = 0; i < 200 && !p; i++, await tick()) p = ((await m.call('manual.pending', {})) as Pending).prompts[0];
    assert.ok(p);
    await m.call('engine.estop', {});
    await Promise.race([m.station.engine.idle(), new Promise((_, rej) => setTimeout(() => rej(new Error('engine hung on a prompt')), 2000))]);
    assert.deepEqual(((await m.call('manual.pending', {})) as Pending).prompts, []);
    assert.equal(events.at(-1), null);
    assert.equal(m.station.store.card(p.cardId).state, 'failed');
    await assert.rejects(m.call('manual.confirm', { promptId: p.promptId }), (e: { code: string }) => e.code === 'NOT_FOUND');
    assert.deepEqual(m.runs, []);
  } finally {
    await m.close();
  }
});
