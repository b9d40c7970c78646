import type { Booted } from '../../../electron/boot';
import type { MachineEmulator } from '../../../electron/sim/machine/emulator';
import type { SequencePlan } from './plan';

// The people at the line, driving one batch to its end: after each rest of the engine the
// operator clears what a person clears (closes a cover, takes a jammed card out), the supervisor
// decides on every failed card (reject, or rework onto a new blank) and holds or releases a card,
// then the line is resumed or started again — until every record has its outcome.
export interface Drive {
  station: Booted['station'];
  call(name: string, input: unknown): Promise<never>;
  machine: MachineEmulator;
  trace: string[];
  problems: string[];
}

/** Wall-clock bound on one rest of the engine; a station that needs longer is stuck. */
export const SETTLE_MS = 20_000;
const MAX_ROUNDS = 14;

/** True when the batch ended with every record decided; false when the station got stuck. */
export async function driveBatch(batchId: string, plan: SequencePlan, d: Drive): Promise<boolean> {
  const { station, call, machine, trace } = d;
  let held: number | null = null;
  let heldOnce = false;
  let decisions = 0;
  let refusals = 0;
  await call('engine.start', { batchId });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const st = await settle(station, (deviceId, command) => call('devices.perform', { deviceId, command }), trace, machine);
    if (!st.ok) {
      d.problems.push(`${batchId}: the station is stuck ${st.state}${st.message ? ` (${st.message})` : ''} for ${SETTLE_MS / 1000} s`);
      trace.push(`  STUCK ${st.state}: ${st.message}`);
      return false;
    }
    trace.push(`  rests ${st.state}${st.message ? ` (${st.message})` : ''}`);
    clearByHand(machine, trace);
    // Cards the station says may still be in the machine (after an emergency stop, a jam, a cover):
    // the operator clears the path from the screen (the machine's reset sends them to the reject bin).
    const path = (await call('recovery.path', {})) as { cards: { cardId: number; recordId: string; step: string | null; reason: string | null }[]; clearBy: string };
    if (path.cards.length) {
      trace.push(`  station: ${path.cards.length} card(s) may be in the path (${path.cards.map((x) => `${x.recordId} at ${x.step}, ${x.reason}`).join('; ')}); operator clears it`);
      await call('recovery.clearPath', {}).catch((e: Error) => trace.push(`    clearing refused: ${e.message}`));
    }
    for (const f of station.store.page({ batchId, states: ['failed'], offset: 0, limit: 1000 }).rows) {
      // A fixed low-discrepancy walk over the plan's odds: the same plan decides the same way.
      const decision = (decisions++ * 0.618) % 1 < plan.rejectOdds ? 'reject' : 'rework';
      await call('cards.decide', { cardId: f.id, decision, reason: `model: ${decision} after ${f.reason}` });
      trace.push(`  supervisor: ${decision} card ${f.id} (${f.record_id}, ${f.reason} at ${f.step})`);
    }
    if (held != null) {
      await call('cards.hold', { cardId: held, hold: false, reason: 'model: checked, release' });
      trace.push(`  supervisor releases card ${held}`);
      held = null;
    } else if (plan.holdCard && !heldOnce) {
      const q = station.store.page({ batchId, states: ['queued'], offset: 0, limit: 1 }).rows[0];
      if (q) {
        await call('cards.hold', { cardId: q.id, hold: true, reason: 'model: check this record' });
        trace.push(`  operator holds card ${q.id}`);
        held = q.id;
        heldOnce = true;
      }
    }
    const k = station.store.counts(batchId);
    if (k.queued + k.inProgress + k.failed + k.held === 0 && st.state !== 'paused') return true;
    try {
      if (st.state === 'paused') await call('engine.resume', {});
      else if (k.queued > 0) await call('engine.start', { batchId });
      trace.push(`  ${st.state === 'paused' ? 'resume' : 'start'} (${k.queued} queued, ${k.held} held, ${k.inProgress} in progress)`);
      refusals = 0;
    } catch (e) {
      trace.push(`  refused: ${(e as Error).message}`);
      if (++refusals >= 3) {
        d.problems.push(`${batchId}: the line cannot be started again: ${(e as Error).message}`);
        return false;
      }
    }
  }
  d.problems.push(`${batchId}: not finished after ${MAX_ROUNDS} rounds (${JSON.stringify(station.store.counts(batchId))})`);
  return false;
}

/**
 * Waits until the engine rests — paused, stopped, finished or emergency-stopped — with no card in
 * flight. Meanwhile the operator answers a device panel that offers a command (a laser locked
 * after an alarm offers "unlock", a machine whose jam was cleared "recover"), as a person at the line does when the screen says so.
 */
export async function settle(station: Booted['station'], perform?: (deviceId: string, command: 'unlock' | 'home' | 'recover') => Promise<unknown>, trace?: string[], machine?: MachineEmulator): Promise<{ ok: boolean; state: string; message: string | null }> {
  const t0 = Date.now();
  let lastPerform = 0;
  for (;;) {
    // The screen says the machine is away: a person closes the cover or takes the jammed card out.
    if (machine) clearByHand(machine, trace ?? []);
    if (perform && Date.now() - lastPerform > 50)
      for (const dev of station.deviceSet.devices) {
        const ds = dev.status();
        // A laser locked after an alarm offers unlock; the machine whose jam was cleared by hand, recover.
        const command = ds.state === 'error' ? (['unlock', 'recover'] as const).find((c) => ds.commands?.includes(c)) : undefined;
        if (command) {
          lastPerform = Date.now();
          trace?.push(`  operator: ${ds.id} panel says "${ds.message}": ${command}`);
          await perform(ds.id, command).catch((e: Error) => trace?.push(`    ${command} refused: ${e.message}`));
        }
      }
    const s = station.engine.status();
    if (s.state === 'paused' || s.state === 'idle') return { ok: true, state: s.state, message: s.message };
    if (s.state === 'finished' || s.state === 'stopped' || s.state === 'estopped') {
      const idle = await Promise.race([station.engine.idle().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), SETTLE_MS))]);
      return { ok: idle, state: s.state, message: s.message };
    }
    if (Date.now() - t0 > SETTLE_MS) return { ok: false, state: s.state, message: s.message };
    await new Promise((r) => setTimeout(r, 5));
  }
}

function clearByHand(machine: MachineEmulator, trace: string[]): void {
  const faults = machine.activeFaults();
  if (faults.includes('COVER_OPEN')) {
    machine.closeCover();
    trace.push('  operator closes the cover');
  }
  if (faults.includes('JAM')) {
    machine.clearJam();
    trace.push('  operator takes the jammed card out');
  }
}
