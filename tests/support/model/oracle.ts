import type { SequencePlan, EventKind, CardFault } from './plan';
import type { PhysicalCard } from './world';

// The invariants of a shift, judged from the world (what the emulators hold) against the
// station's store. Pure: every rule names the card, the record and what is wrong.
export interface StationCard {
  id: number;
  batch_id: string;
  record_index: number;
  record_id: string;
  attempt: number;
  state: string;
  step: string | null;
  reason: string | null;
  /** Feeds journaled for this card that took a blank: answered OK, or whose answer was lost and
   * whose card the station then cleared from the path (it counts that blank spoiled). */
  fed: number;
}

export interface SequenceFacts {
  plan: SequencePlan;
  /** The sequence's blanks (those that left the hopper while it ran). */
  world: PhysicalCard[];
  /** The sequence's batch, as the station's store has it. */
  cards: StationCard[];
  /** batchId/recordId → PAN */
  panOf: Map<string, string>;
  serialToCard: Map<number, number>;
  /** Timed events that fired, in order. */
  fired: EventKind[];
  faultSerials: Map<number, CardFault>;
  reconciliation: { blanks: number; good: number; spoiled: number; balanced: boolean; vaultOk: boolean };
}

/** The device a reason code belongs to; stops and crashes are 'stop'. */
export function reasonClass(reason: string): 'chip' | 'magstripe' | 'machine' | 'laser' | 'stop' | 'other' {
  if (reason.startsWith('CHIP_')) return 'chip';
  if (reason.startsWith('MSR_') || reason === 'CROSSCHECK_MISMATCH') return 'magstripe';
  if (reason.startsWith('MACHINE_')) return 'machine';
  if (reason.startsWith('LASER_')) return 'laser';
  if (reason === 'OPERATOR_STOP' || reason === 'EMERGENCY_STOP' || reason === 'INTERRUPTED') return 'stop';
  return 'other';
}

const FAULT_CLASS: Record<EventKind, ReturnType<typeof reasonClass>> = {
  chipStatus: 'chip', cardPulled: 'chip', stripeDefective: 'magstripe', stripeWriteError: 'magstripe', stripeGarbage: 'magstripe', encoderSilent: 'magstripe',
  jam: 'machine', cover: 'machine', machineUnplugged: 'machine', laserAlarm: 'laser', laserUnplugged: 'laser', pause: 'stop', stop: 'stop', estop: 'stop',
};

export function judgeSequence(f: SequenceFacts): string[] {
  const out: string[] = [];
  const bad = (m: string) => out.length < 40 && out.push(m);
  const byId = new Map(f.cards.map((c) => [c.id, c]));
  const lastOf = new Map<string, StationCard>();
  for (const c of f.cards) {
    const k = `${c.batch_id}/${c.record_id}`;
    if (!lastOf.has(k) || lastOf.get(k)!.attempt < c.attempt) lastOf.set(k, c);
  }
  const passedRecord = (p: string) => [...lastOf.entries()].some(([k, c]) => f.panOf.get(k) === p && c.state === 'passed');
  const who = (s: number) => {
    const c = byId.get(f.serialToCard.get(s) ?? -1);
    return c ? `blank ${s} (card ${c.id}, ${c.record_id}, ${c.state}${c.reason ? ` ${c.reason}` : ''})` : `blank ${s} (no station card)`;
  };

  // 1. A record's data is on at most one physical card outside the reject bin, and on one only if the record passed.
  const holders = new Map<string, PhysicalCard[]>();
  for (const w of f.world) for (const p of w.data.keys()) holders.set(p, [...(holders.get(p) ?? []), w]);
  for (const [p, ws] of holders) {
    const outside = ws.filter((w) => w.where !== 'reject' && w.where !== 'removed');
    if (outside.length > 1) bad(`record data (PAN ${p.slice(0, 6)}…${p.slice(-4)}) is on ${outside.length} cards outside the reject bin: ${outside.map((w) => `${who(w.serial)} in ${w.where}${w.pos ? ` ${w.pos}` : ''}`).join('; ')}`);
    if (outside.length === 1 && !passedRecord(p)) bad(`record data (PAN ${p.slice(0, 6)}…${p.slice(-4)}) is on ${who(outside[0].serial)} in ${outside[0].where}${outside[0].pos ? ` ${outside[0].pos}` : ''}, yet the record did not pass`);
  }
  for (const [k, c] of lastOf) {
    if (c.state !== 'passed') continue;
    const p = f.panOf.get(k)!;
    const good = (holders.get(p) ?? []).filter((w) => w.where === 'good');
    if (good.length !== 1) bad(`${k} passed but ${good.length} cards with its data are in the good tray`);
    else {
      const d = good[0].data.get(p)!;
      if (!d.chip || !d.stripe || !d.surface) bad(`${k} passed but its card in the good tray lacks ${[!d.chip && 'the chip data', !d.stripe && 'the stripe', !d.surface && 'the embossing'].filter(Boolean).join(', ')}`);
      if (good[0].data.size > 1) bad(`the good card of ${k} also carries data of ${good[0].data.size - 1} other record(s)`);
    }
  }

  // 2. Every card that left the hopper: good tray (its record passed), reject bin (spoiled with a reason), or in the machine where the station says.
  for (const w of f.world) {
    const c = byId.get(f.serialToCard.get(w.serial) ?? -1);
    if (!c) {
      bad(`blank ${w.serial} left the hopper (now ${w.where}${w.pos ? ` ${w.pos}` : ''}) but the station never recorded feeding it`);
      continue;
    }
    if (w.where === 'good' && c.state !== 'passed') bad(`${who(w.serial)} is in the good tray but the card did not pass`);
    if ((w.where === 'reject' || w.where === 'removed') && (c.state === 'passed' || !c.reason)) bad(`${who(w.serial)} is in the ${w.where === 'reject' ? 'reject bin' : "operator's hands"} but the station counts it ${c.state === 'passed' ? 'good' : 'without a reason'}`);
    if (w.where === 'path' || w.where === 'lost') {
      const here = c.state === 'in_progress' || c.state === 'failed';
      if (!here) bad(`${who(w.serial)} is still in the machine${w.pos ? ` at ${w.pos}` : ' (jammed)'} but the station has it ${c.state}`);
    }
  }
  const passed = f.cards.filter((c) => c.state === 'passed').length;
  const good = f.world.filter((w) => w.where === 'good').length;
  if (passed !== good) bad(`${passed} cards passed but ${good} are in the good tray`);
  const spoiledStation = f.cards.filter((c) => c.fed && c.state !== 'passed').length;
  const spoiledWorld = f.world.filter((w) => w.where !== 'good').length;
  if (spoiledStation !== spoiledWorld) bad(`the station counts ${spoiledStation} spoiled blanks, the world has ${spoiledWorld} blanks not in the good tray`);
  for (const c of f.cards) if (c.fed > 1) bad(`card ${c.id} (${c.record_id}) was fed ${c.fed} times`);

  // 3. No blank spoiled by a fault at another card's station: each spoiled blank's reason is one
  //    of its own blank's faults, or uses up one fired timed fault of that device.
  const budget = new Map<string, number>();
  for (const e of f.fired) budget.set(FAULT_CLASS[e], (budget.get(FAULT_CLASS[e]) ?? 0) + 1);
  const stopped = f.fired.some((e) => e === 'stop' || e === 'estop');
  for (const w of f.world) {
    if (w.where === 'good') continue;
    const c = byId.get(f.serialToCard.get(w.serial) ?? -1);
    if (!c || !c.reason) continue;
    const cls = reasonClass(c.reason);
    const own = f.faultSerials.get(w.serial);
    if (own && FAULT_CLASS[own.what] === cls) continue;
    if (cls === 'stop') {
      if (c.reason === 'INTERRUPTED' || stopped) continue;
      bad(`${who(w.serial)} was stopped (${c.reason}) though nobody stopped the line`);
      continue;
    }
    const left = budget.get(cls) ?? 0;
    if (left > 0) budget.set(cls, left - 1);
    else bad(`${who(w.serial)} was spoiled (${c.reason}) though no ${cls} fault hit it: a fault at another card's station spoiled it`);
  }

  // 4. Reconciliation balances exactly when the world's counts do.
  const r = f.reconciliation;
  if (r.good + r.spoiled !== r.blanks) bad(`the station accounts ${r.good} good + ${r.spoiled} spoiled, the world took ${r.blanks} blanks from the hopper`);
  if (r.balanced !== r.vaultOk) bad(`reconciliation ${r.balanced ? 'balances' : 'does not balance'} though the vault count ${r.vaultOk ? 'matches' : 'does not match'} the world`);
  return out;
}
