import { join } from 'node:path';
import { bootStation, type Booted } from '../../../electron/boot';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';
import { loadConfig } from '../../../electron/core/config';
import { openLogReader } from '../../../electron/core/log-reader';
import { importBatch } from '../../../electron/core/batch/import';
import type { SimLine } from '../../../electron/sim/line';
import type { SequencePlan, TimedEvent } from './plan';
import { productFor, stationCopy, type StationCopy } from './template';
import { readWorld } from './world';
import { judgeSequence, type StationCard } from './oracle';
import { driveBatch, type Drive } from './drive';

// A real station core with its drivers and the in-process emulators (time scale 0), on which
// sequences run one after another, each on its own batch, as a shift does. The station is opened
// again (from a fresh copy) whenever a sequence leaves it in a state the next one should not
// inherit, so each sequence replays alone from its seed.
export interface SequenceRun {
  seed: number;
  problems: string[];
  /** What happened, in order: the narrative printed with a failing seed. */
  trace: string[];
  stats: { cards: number; blanks: number; passed: number; spoiled: number; faultsFired: number };
}

type Cmd = { cmd: string; args: string[] };

export class ModelStation {
  private copy!: StationCopy;
  private b!: Booted;
  private line!: SimLine;
  private conn: Connection = { id: 'model', origin: 'ui:model', sessionId: null };
  private nextRecord = 1;
  private count = 0;
  // The running sequence's hooks.
  private onCommand: ((cmd: Cmd) => void) | null = null;
  private onFed: ((serial: number, handle: number) => void) | null = null;
  private faultOf: ((serial: number) => ReturnType<NonNullable<SimLine['cardOverrides']>>) | null = null;
  /** This station copy's batches, for the shift check at close. */
  private batches: { batchId: string; balanced: boolean; vaultOk: boolean }[] = [];
  private openedAt = 0;
  private seeds: number[] = [];
  /** Problems found when a station copy closes (shift reconciliation, `audit verify`), naming the seeds it ran. */
  readonly verifyProblems: string[] = [];
  /** Sequences run on the current station copy. */
  get runsOnThisCopy(): number {
    return this.seeds.length;
  }

  /** Opens the next station copy (the shift ends: its checks run). */
  async reopen(): Promise<void> {
    await this.close();
    await this.boot();
  }

  static async open(): Promise<ModelStation> {
    const s = new ModelStation();
    await s.boot();
    return s;
  }

  private async boot(): Promise<void> {
    this.copy = await stationCopy();
    this.batches = [];
    this.seeds = [];
    this.openedAt = Date.now();
    this.b = await bootStation({ configPath: this.copy.configPath, origin: 'test' });
    this.conn = { id: 'model', origin: 'ui:model', sessionId: null };
    await this.call('session.login', this.copy.credentials.supervisor);
    this.line = (this.b.station.deviceSet.extras as { simLine: SimLine }).simLine;
    this.line.cardOverrides = (serial) => this.faultOf?.(serial);
    const machine = this.line.machine as unknown as { execute(cmd: Cmd): Promise<string> };
    const execute = machine.execute.bind(this.line.machine);
    const counters = this.line.machine as unknown as { nextSerial: number; nextHandle: number };
    machine.execute = async (cmd) => {
      this.count++;
      this.onCommand?.(cmd);
      const serial = counters.nextSerial;
      try {
        return await execute(cmd);
      } finally {
        // A FEED that took a blank — answered OK, or refused because that blank jammed at the
        // hopper — took it for the card whose feed the station journaled last.
        if (cmd.cmd === 'FEED' && counters.nextSerial > serial) this.onFed?.(serial, counters.nextHandle - 1);
      }
    };
  }

  call = async (name: string, input: unknown): Promise<never> => {
    const r = await dispatch(this.b.handlers, name as never, input as never, this.conn);
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
    return r.value as never;
  };

  async run(plan: SequencePlan): Promise<SequenceRun> {
    const trace: string[] = [];
    const problems: string[] = [];
    const { station } = this.b;
    const line = this.line;
    const machine = line.machine!;
    const batchId = `MS-${plan.seed}`;
    this.seeds.push(plan.seed);
    const file = this.copy.batch(batchId, productFor(plan.retries), plan.cards, this.nextRecord);
    this.nextRecord += plan.cards;
    const firstSerial = (machine as unknown as { nextSerial: number }).nextSerial;
    const faultAt = new Map(plan.cardFaults.map((f) => [firstSerial + f.blank, f]));
    const serialToCard = new Map<number, number>();
    const handleToSerial = new Map<number, number>();
    const fired: TimedEvent['what'][] = [];
    const lastFeedIntent = station.db.prepare("SELECT card_id FROM card_steps WHERE step = 'feed' AND phase = 'intent' ORDER BY id DESC LIMIT 1");
    const base = this.count;
    const pending = [...plan.events];
    let defectiveAtEncoder: number | null = null;

    this.faultOf = (serial) => {
      const f = faultAt.get(serial);
      if (f?.what === 'chipStatus') return { faults: { statusOnDgi: { dgi: f.dgi!, sw: f.sw! } } };
      if (f?.what === 'cardPulled') return { faults: { removeAtStoreData: f.atStoreData! } };
      return undefined;
    };
    this.onFed = (serial, handle) => {
      handleToSerial.set(handle, serial);
      const row = lastFeedIntent.get() as { card_id: number } | undefined;
      if (row) serialToCard.set(serial, row.card_id);
    };
    const fire = (e: TimedEvent, cmd: Cmd) => {
      fired.push(e.what);
      const target = cmd.cmd === 'MOVE' || cmd.cmd === 'EJECT' ? handleToSerial.get(Number(cmd.args[0])) : undefined;
      trace.push(`  [machine command ${this.count - base} ${cmd.cmd}${target ? ` of blank ${target}` : ''}] ${e.what}`);
      const control = (name: string) => void this.call(name, {}).catch((x: Error) => trace.push(`    ${name} refused: ${x.message}`));
      switch (e.what) {
        case 'pause': return control('engine.pause');
        case 'stop': return control('engine.stop');
        case 'estop': return control('engine.estop');
        case 'stripeWriteError': line.encoder!.faults.writeError = 1; return;
        case 'stripeGarbage': line.encoder!.faults.garbleRead = 1; return;
        case 'encoderSilent': line.encoder!.faults.silent = 1; return;
        case 'jam': return machine.jamAtNextMove();
        case 'cover': return machine.openCover();
        case 'laserAlarm': return line.laser!.injectAlarm(2, { afterBlocks: 1 });
        case 'machineUnplugged':
          machine.unplug();
          setTimeout(() => machine.plug(), 30);
          return;
        case 'laserUnplugged':
          line.laser!.unplug();
          setTimeout(() => line.laser!.plug(), 30);
          return;
      }
    };
    this.onCommand = (cmd) => {
      // A jam is keyed to a move: a blank jammed at the hopper is never fed for a record (no card to judge).
      while (pending.length && pending[0].atCommand <= this.count - base && (pending[0].what !== 'jam' || cmd.cmd === 'MOVE')) fire(pending.shift()!, cmd);
      // A defective stripe cannot be written while that blank is at the encoder; a RESET (the
      // path cleared after an emergency stop) sends it to the reject bin with the others.
      if (cmd.cmd === 'RESET' && defectiveAtEncoder != null) {
        line.encoder!.faults.writeError = false;
        defectiveAtEncoder = null;
      }
      if (cmd.cmd === 'MOVE' || cmd.cmd === 'EJECT') {
        const serial = handleToSerial.get(Number(cmd.args[0]));
        if (defectiveAtEncoder != null && serial === defectiveAtEncoder) {
          line.encoder!.faults.writeError = false;
          defectiveAtEncoder = null;
        }
        if (cmd.cmd === 'MOVE' && cmd.args[1] === 'ENCODER' && serial != null && faultAt.get(serial)?.what === 'stripeDefective') {
          line.encoder!.faults.writeError = true;
          defectiveAtEncoder = serial;
        }
      }
    };

    let healthy = true;
    try {
      // In-process, as `perso-station import` does: the API's import worker costs more CPU than a whole sequence.
      await importBatch({ store: station.store, products: station.products }, `${batchId}.json`, file.content, 'model');
      trace.push(`batch ${batchId}: ${plan.cards} cards, product ${productFor(plan.retries)}`);
      if (plan.holdBatch) {
        await this.call('batches.hold', { batchId, hold: true, reason: 'model: vault count pending' });
        const refused = await this.call('engine.start', { batchId }).then(() => false, () => true);
        if (!refused) problems.push(`${batchId}: a held batch was started`);
        await station.engine.idle();
        await this.call('batches.hold', { batchId, hold: false, reason: 'model: vault counted' });
        trace.push('  held; start refused; released');
      }
      const d: Drive = { station, call: this.call, machine, trace, problems };
      healthy = await driveBatch(batchId, plan, d);
      // Leftover one-shot faults do not carry into the next sequence.
      Object.assign(line.encoder!.faults, { writeError: false, garbleRead: false, silent: false });
      // An alarm armed for the laser's next block that no card reached is disarmed too (the emulator has no public switch for it).
      (line.laser as unknown as { pendingAlarm: unknown }).pendingAlarm = null;
      // The vault count: the blanks the world says left the hopper for this batch, plus the plan's extras.
      const blanks = [...line.cards.keys()].filter((s) => s >= firstSerial).length;
      const issued = Math.max(0, blanks + plan.vault.samples + plan.vault.returned + plan.vault.miscount);
      const vaultOk = issued === blanks + plan.vault.samples + plan.vault.returned;
      const rep = (await this.call('reports.vault', { batchId, issuedFromVault: issued, samples: plan.vault.samples, returnedToVault: plan.vault.returned, reason: 'model vault count' })) as {
        reconciliation: { balanced: boolean; good: number; spoiled: number; difference: number | null };
      };
      const rec = rep.reconciliation;
      trace.push(`  vault: ${blanks} blanks taken, issued recorded ${issued}; station: good ${rec.good}, spoiled ${rec.spoiled}, ${rec.balanced ? 'balanced' : `not balanced (${rec.difference})`}`);
      this.batches.push({ batchId, balanced: rec.balanced, vaultOk });

      // The oracle. A card the station took as fed: its FEED answered, or (the answer lost with the
      // cable) the station cleared it from the path to the reject bin and counts it spoiled — once.
      const serials = new Set([...line.cards.keys()].filter((s) => s >= firstSerial));
      const world = readWorld(line, [...file.pans.values()]).filter((w) => serials.has(w.serial));
      const cards = station.db
        .prepare("SELECT c.id, c.batch_id, c.record_index, c.record_id, c.attempt, c.state, c.step, c.reason, (SELECT COUNT(*) FROM card_steps j WHERE j.card_id = c.id AND j.step = 'feed' AND j.phase = 'result' AND j.ok = 1) + (SELECT COUNT(*) FROM card_steps j WHERE j.card_id = c.id AND j.step = 'feed' AND j.phase = 'intent' AND NOT EXISTS (SELECT 1 FROM card_steps k WHERE k.card_id = c.id AND k.step = 'feed' AND k.phase = 'result') AND EXISTS (SELECT 1 FROM card_steps k WHERE k.card_id = c.id AND k.step = 'clear' AND k.phase = 'result' AND k.ok = 1)) AS fed FROM cards c WHERE c.batch_id = ? ORDER BY c.id")
        .all(batchId) as StationCard[];
      problems.push(
        ...judgeSequence({
          plan, world, cards, panOf: file.pans, serialToCard, fired, faultSerials: faultAt,
          reconciliation: { blanks, good: rec.good, spoiled: rec.spoiled, balanced: rec.balanced, vaultOk },
        }),
      );
      const passed = cards.filter((c) => c.state === 'passed').length;
      const spoiled = cards.filter((c) => c.fed && c.state !== 'passed').length;
      // The next sequence starts on a clean line, or on a freshly opened station.
      if (healthy && (machine.cardsInPath().length || machine.activeFaults().length || station.deviceSet.devices.some((x) => x.status().state !== 'online'))) healthy = false;
      return { seed: plan.seed, problems, trace, stats: { cards: cards.length, blanks, passed, spoiled, faultsFired: fired.length } };
    } catch (e) {
      healthy = false;
      problems.push(`the sequence could not run: ${(e as Error).stack ?? e}`);
      return { seed: plan.seed, problems, trace, stats: { cards: 0, blanks: 0, passed: 0, spoiled: 0, faultsFired: fired.length } };
    } finally {
      this.onCommand = this.onFed = this.faultOf = null;
      if (!healthy) {
        trace.push('  (the station is opened again from a fresh copy for the next sequence)');
        await this.reopen();
      }
    }
  }

  /** Closes the station and checks its log's hash chain (`audit verify`); problems go to verifyProblems. */
  async close(): Promise<void> {
    const on = `station copy that ran seeds ${this.seeds.join(', ')}`;
    // The shift over this copy's life: balanced exactly when every batch is, no figure missing.
    try {
      const shift = (await this.call('reports.shift', { from: this.openedAt - 1, to: Date.now() + 1 })) as { reconciliation: { balanced: boolean }; missingFigures: unknown[]; batches: { batchId: string; reconciliation: { balanced: boolean } }[] };
      const all = this.batches.length > 0 && this.batches.every((x) => x.balanced);
      if (shift.reconciliation.balanced !== all) this.verifyProblems.push(`${on}: the shift ${shift.reconciliation.balanced ? 'balances' : 'does not balance'} though ${all ? 'every batch does' : 'some batch does not'}`);
      if (shift.missingFigures.length) this.verifyProblems.push(`${on}: the shift lists missing vault figures ${JSON.stringify(shift.missingFigures)} though every batch recorded them`);
      for (const x of this.batches) {
        const row = shift.batches.find((y) => y.batchId === x.batchId);
        if (!row) this.verifyProblems.push(`${on}: batch ${x.batchId} is missing from the shift report`);
        else if (row.reconciliation.balanced !== x.balanced) this.verifyProblems.push(`${on}: batch ${x.batchId} balances in its report but not in the shift's, or the other way round`);
      }
    } catch (e) {
      this.verifyProblems.push(`${on}: the shift report failed: ${(e as Error).message}`);
    }
    await this.b.station.close().catch((e) => this.verifyProblems.push(`${on}: closing the station failed: ${(e as Error).message}`));
    const log = openLogReader(loadConfig(this.copy.configPath));
    try {
      const v = log.audit.verify({ archiveDir: join(this.copy.dir, 'data', 'log-archive') });
      if (!v.ok) this.verifyProblems.push(`${on}: audit verify: entry ${v.firstBadSeq} ${v.problem}: ${v.message}`);
    } finally {
      log.close();
    }
    this.copy.remove();
  }
}
