import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { CardStore, CardDbRow } from '../store/card-store';
import { toCardRow } from '../store/card-store';
import { guardOf } from '../store/store-guard';
import type { CardRow, Counts, EngineStatus } from '../../../shared/contract/dto';
import type { Product, StepKind } from '../../../shared/domain/product';
import type { ReasonCode } from '../../../shared/domain/reasons';
import { engineNote, type EngineNoteCode, type StatusNote } from '../../../shared/domain/status-notes';
import type { CardState } from '../../../shared/domain/card-state';
import type { CardTransport, ReadBack, StepModule, StepOutcome } from './step';
import { SlotPool } from './slot-pool';
import { Mutex } from './mutex';
import { RateMeter } from './rate-meter';
import { crosscheck } from './crosscheck';
import { answerLost, jammedHandle, neverSent, transportFailure } from './transport-errors';
import { cardsInPath, recordCleared, whereIs } from './path';

// The production engine: cards flow through their product's steps, each module working on its
// own card while the others work on theirs (a card keeps its station until the next one is
// free, as on a real machine). Every device action is preceded by a durable intent and followed
// by a durable result, so after a crash the station knows where each card was.

export interface EngineEvent {
  type: string;
  severity: 'info' | 'warn' | 'error';
  outcome: 'success' | 'failure';
  message: string;
  card?: CardDbRow;
  data?: Record<string, string | number | boolean | null>;
}

export interface EngineDeps {
  store: CardStore;
  modules: Partial<Record<StepKind, StepModule>>;
  transport: CardTransport;
  product(id: string): Product;
  /** Is this device able to work now? The engine waits for an offline device to come back. */
  deviceReady(id: string): boolean;
  log(e: EngineEvent): void;
  onCard(row: CardRow): void;
  onStatus(s: EngineStatus): void;
  /** Poll interval while waiting for a device to come back. */
  waitPollMs?: number;
  /** Why a product cannot run now (its chip key missing or refused), checked before any card is fed. */
  refuseProduct?(product: Product): string | null;
  /** Consecutive failures with the same reason that pause the line (a product may set its own). Default 3; 0 = never. */
  pauseAfterFailures?: number;
}

type RunState = EngineStatus['state'];
/** Faults that need a person pause the line: the machine's (jam, cover, hopper, ribbon, offline)
 * and a laser alarm (locked until someone unlocks or homes it from the device panel). */
function pausesLine(reason: ReasonCode): boolean {
  return (reason.startsWith('MACHINE_') && reason !== 'MACHINE_ERROR') || reason === 'LASER_ALARM';
}

/** The screen's words for a line paused by a card's failure: the reason's, not the driver's text. */
const pausedBy = (reason: ReasonCode): StatusNote => engineNote('paused', { reason });

class StopRequested extends Error {
  constructor(readonly reason: 'OPERATOR_STOP' | 'EMERGENCY_STOP') {
    super(reason);
    this.name = 'StopRequested';
  }
}

const COUNT_KEY: Record<CardState, keyof Counts> = {
  queued: 'queued', in_progress: 'inProgress', passed: 'passed', failed: 'failed', rejected: 'rejected', reworked: 'reworked', held: 'held',
};

export class Engine {
  private state: RunState = 'idle';
  private batchId: string | null = null;
  private counts: Counts | null = null;
  private startedAt: number | null = null;
  private message: string | null = null;
  /** The message as a code the screen words (status-notes.ts); the message itself is the log's line. */
  private note: StatusNote | null = null;
  private inFlight = new Set<Promise<void>>();
  private pools = new Map<StepKind, SlotPool>();
  private stopAfterStep = false;
  private estop = new AbortController();
  /** Aborted by stop(): a card waiting to be moved (e.g. for the operator in manual mode) stops there. */
  private stopMoves = new AbortController();
  private rate = new RateMeter();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private progress = new Map<number, number>();
  private readonly input = new Mutex();
  private loopPending = false;
  private readonly epoch = randomUUID();
  private rev = 0;
  /** Cards waiting for a device right now (the wait message is theirs). */
  private waiting = 0;
  /** Every device a card of the running product will need, and the transport: all must be up to feed. */
  private feedDeviceIds: string[] = [];
  /** The current run of consecutive failures with one reason. */
  private run: { reason: ReasonCode | null; count: number } = { reason: null, count: 0 };
  /** Cards that may still be in the machine (see path.ts); while any is, nothing is fed. */
  private inPath = 0;

  constructor(private readonly d: EngineDeps) {
    for (const [kind, m] of Object.entries(d.modules) as [StepKind, StepModule][]) this.pools.set(kind, new SlotPool(m.slots));
  }

  status(): EngineStatus {
    const remaining = this.counts ? this.counts.queued + this.counts.inProgress : null;
    const cph = this.rate.perHour();
    return {
      state: this.state, batchId: this.batchId, counts: this.counts ? { ...this.counts } : null, cardsPerHour: cph,
      etaSeconds: cph && remaining != null ? Math.round((remaining / cph) * 3600) : null, startedAt: this.startedAt, message: this.message, note: this.note,
      epoch: this.epoch, rev: this.rev, pathCards: this.inPath,
    };
  }

  get running(): boolean {
    return this.state === 'running' || this.state === 'pausing' || this.state === 'stopping' || this.state === 'paused';
  }

  start(batchId: string): EngineStatus {
    if (this.running) throw new Error(`the engine is already working on batch ${this.batchId}`);
    if (this.inFlight.size || this.loopPending) throw new Error('cards of the last run are still being stopped; wait until they are done');
    const b = this.d.store.batch(batchId);
    if (b.state !== 'open') throw new Error(`batch ${batchId} is ${b.state}; release it before starting`);
    const inPath = cardsInPath(this.d.store);
    this.inPath = inPath.length;
    if (inPath.length) {
      const first = inPath[0];
      throw new Error(
        `${inPath.length} card(s) may still be in the machine (card ${first.record_id} ${whereIs(first)}${inPath.length > 1 ? ', …' : ''}); clear the path before starting`,
      );
    }
    const product = this.d.product(b.product_id);
    for (const s of product.steps) if (!this.d.modules[s]) throw new Error(`product ${product.id} needs the ${s} step, which this station has no device for`);
    const refusal = this.d.refuseProduct?.(product);
    if (refusal) throw new Error(refusal);
    this.batchId = batchId;
    this.feedDeviceIds = [this.d.transport.id, ...product.steps.flatMap((k) => this.d.modules[k]!.deviceIds)];
    this.run = { reason: null, count: 0 };
    this.counts = this.d.store.counts(batchId);
    this.startedAt = Date.now();
    this.stopAfterStep = false;
    this.estop = new AbortController();
    this.stopMoves = new AbortController();
    // Every slot waiter and module listens to the one stop signal: with 8 heads that is many.
    setMaxListeners(0, this.estop.signal);
    this.rate = new RateMeter();
    this.say(null);
    this.setState('running');
    this.d.log({ type: 'engine.start', severity: 'info', outcome: 'success', message: `batch ${batchId} started` });
    this.loopPending = true;
    this.loop = this.feedLoop(batchId, product)
      .catch((e) => {
        const fault = guardOf(this.d.store.db)?.classify(e);
        const message = fault?.message ?? `engine error: ${(e as Error).name}`;
        this.say(message, engineNote(fault ? 'storeFault' : 'engineError'));
        this.d.log({ type: 'engine.error', severity: 'error', outcome: 'failure', message });
        this.setState('stopped');
      })
      .finally(() => {
        this.loopPending = false;
      });
    return this.status();
  }

  /** Pauses after the cards in flight; a reason (a station fault) is what the status says, `note` how the screen words it. */
  pause(reason?: string, note?: StatusNote): EngineStatus {
    if (reason) this.say(reason, note ?? null);
    if (this.state === 'running') this.setState(this.inFlight.size ? 'pausing' : 'paused');
    this.d.log({ type: 'engine.pause', severity: reason ? 'warn' : 'info', outcome: 'success', message: `${reason ? `${reason}: pausing` : 'pause requested'}: finishing the cards in flight` });
    return this.status();
  }

  resume(): EngineStatus {
    if (this.state === 'paused' || this.state === 'pausing') {
      this.say(null);
      this.setState('running');
      this.d.log({ type: 'engine.resume', severity: 'info', outcome: 'success', message: 'resumed' });
      this.wake?.();
    }
    return this.status();
  }

  stop(): EngineStatus {
    if (!this.running) return this.status();
    this.stopAfterStep = true;
    // Why the line paused (a device refusal, N failures in a row) is no longer the line's state.
    this.say(null);
    this.stopMoves.abort(new StopRequested('OPERATOR_STOP'));
    this.setState(this.inFlight.size ? 'stopping' : 'stopped');
    this.d.log({ type: 'engine.stop', severity: 'warn', outcome: 'success', message: 'stop requested: cards in flight stop after their current step' });
    this.wake?.();
    return this.status();
  }

  emergencyStop(): EngineStatus {
    this.stopAfterStep = true;
    this.estop.abort(new StopRequested('EMERGENCY_STOP'));
    this.setState('estopped');
    this.d.log({ type: 'engine.estop', severity: 'error', outcome: 'success', message: 'emergency stop' });
    this.wake?.();
    return this.status();
  }

  /** The cards that may still be in the machine, oldest first. */
  pathCards(): CardDbRow[] {
    return cardsInPath(this.d.store);
  }

  /** Re-reads which cards may be in the machine (after a restart's recovery, a decision). */
  refreshPath(): void {
    this.inPath = cardsInPath(this.d.store).length;
    this.publish();
  }

  /**
   * Clears the path after an emergency stop, a jam or a crash. Without a card id the transport
   * clears it (the machine's reset sends every card to the reject bin); with one, the operator
   * confirms that card was taken out by hand (manual mode, or a card found outside the machine).
   * Each card is recorded as gone to the reject bin; it stays failed with its reason and step.
   */
  async clearPath(cardId?: number): Promise<{ cleared: { cardId: number; recordId: string; where: string }[] }> {
    if (this.running || this.loopPending || this.inFlight.size) throw new Error('the line is working: stop it before clearing the path');
    const all = cardsInPath(this.d.store);
    const cards = cardId === undefined ? all : all.filter((c) => c.id === cardId);
    if (cardId !== undefined && !cards.length) throw new Error(`card ${cardId} is not in the path`);
    if (cardId === undefined) {
      const clear = this.d.transport.clearPath;
      if (!clear) throw new Error('this station has no machine that can clear its path: take each card out and confirm it');
      for (const c of cards) this.d.store.journal(c.id, 'clear', c.slot, 1, 'intent', null, 'reject');
      this.d.log({ type: 'engine.clearPath', severity: 'warn', outcome: 'success', message: `clearing the path: the machine sends ${cards.length} card(s) to the reject bin` });
      await clear.call(this.d.transport, AbortSignal.timeout(30_000));
    }
    const cleared = recordCleared(this.d.store, cards, cardId === undefined ? 'reset' : 'by-hand', (card, message) =>
      this.d.log({ type: 'card.cleared', severity: 'warn', outcome: 'success', message, card, data: { reason: card.reason } }),
    );
    this.inPath = all.length - cards.length;
    if (this.inPath === 0) {
      if (cleared.length) this.say(`the path is clear: ${cleared.length} card(s) went to the reject bin, counted as spoiled; the line can start again`, engineNote('pathCleared', { count: cleared.length }));
      else this.say(null);
      if (this.state === 'estopped') this.state = 'stopped';
    }
    this.publish();
    return { cleared: cleared.map((c) => ({ cardId: c.card.id, recordId: c.card.record_id, where: c.where })) };
  }

  /** Re-reads the counts after a change made outside the engine (a hold, a decision, a rework). */
  refreshCounts(): void {
    if (!this.batchId) return;
    this.counts = this.d.store.counts(this.batchId);
    this.publish();
  }

  /** Resolves when the feed loop and every card in flight are done. */
  async idle(): Promise<void> {
    await this.loop;
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private setState(s: RunState): void {
    this.state = s;
    this.publish();
  }

  private publish(): void {
    this.rev++;
    this.d.onStatus(this.status());
  }

  private bump(from: CardState | null, to: CardState): void {
    if (!this.counts) return;
    if (from) this.counts[COUNT_KEY[from]]--;
    this.counts[COUNT_KEY[to]]++;
  }

  private emit(c: CardDbRow): void {
    this.d.onCard(toCardRow(c, this.progress.get(c.id) ?? null));
  }

  private async feedLoop(batchId: string, product: Product): Promise<void> {
    const first = product.steps[0];
    const pool = this.pools.get(first)!;
    for (;;) {
      if (this.state === 'pausing' || this.state === 'paused') {
        if (this.state === 'pausing' && this.inFlight.size === 0) this.setState('paused');
        await this.sleepUntilWoken(100);
        continue;
      }
      if (this.state !== 'running') break;
      const next = this.d.store.nextQueued(batchId);
      if (!next) {
        if (this.inFlight.size === 0) break;
        // The last cards are in flight: the batch is not over until they are. One may yet go back
        // to the queue (a feed that found no card), or a pause may come and must hold the line
        // until a resume, so the loop keeps deciding rather than leaving a paused run orphaned.
        await this.sleepUntilWoken(100);
        continue;
      }
      // A card is fed only when its first station is free, so the machine never holds more cards than it has stations.
      let slot: number;
      try {
        slot = await pool.acquire(this.estop.signal);
      } catch {
        break;
      }
      if (this.state !== 'running') {
        pool.release(slot);
        continue;
      }
      const card = this.d.store.nextQueued(batchId);
      if (!card) {
        pool.release(slot);
        continue;
      }
      const claimed = this.d.store.transition(card.id, 'in_progress', { step: 'feed', slot: null, reason: null, message: null });
      this.bump('queued', 'in_progress');
      this.emit(claimed);
      const p = this.runCard(claimed, product, slot)
        .catch((e) => {
          // Only a store failure gets here (the data directory changed under us, a disk error):
          // say so and leave the card as the store has it; recovery sorts it out at the next start.
          const fault = guardOf(this.d.store.db)?.classify(e);
          const message = `card ${claimed.record_id}: the station could not record its outcome (${fault?.message ?? (e as Error)?.name ?? 'error'})`;
          this.d.log({ type: 'engine.error', severity: 'error', outcome: 'failure', message, card: claimed });
          this.pauseFor(message, engineNote('notRecorded', { record: claimed.record_id }));
        })
        .finally(() => {
        this.inFlight.delete(p);
        this.progress.delete(claimed.id);
        if (this.state === 'pausing' && this.inFlight.size === 0) this.setState('paused');
        this.wake?.();
      });
      this.inFlight.add(p);
    }
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    this.finish();
  }

  private finish(): void {
    // Purged records must not linger in WAL frames once a run ends.
    try {
      this.d.store.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another reader holds the WAL; the next checkpoint takes it.
    }
    this.inPath = cardsInPath(this.d.store).length;
    if (this.state === 'estopped') {
      if (this.inPath) this.say(`emergency stop: ${this.inPath} card(s) are still in the machine; clear the path before starting again`, engineNote('estopInPath', { count: this.inPath }));
      this.publish();
      return;
    }
    if (this.state === 'stopping' || this.stopAfterStep) {
      this.setState('stopped');
      return;
    }
    if (this.state === 'running') {
      this.d.log({ type: 'engine.finished', severity: 'info', outcome: 'success', message: `batch ${this.batchId} finished: ${this.counts?.passed} passed, ${this.counts?.failed} failed` });
      this.setState('finished');
    }
  }

  private sleepUntilWoken(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /**
   * Waits until every device in `ids` can work. A stop ends the wait only when `stoppable` (a
   * card on its way out is still taken out at a stop); an emergency stop always ends it.
   */
  private async waitForDevices(ids: readonly string[], card: CardDbRow, what: string, code: EngineNoteCode & `wait${string}`, stoppable = true): Promise<void> {
    let down = ids.find((id) => !this.d.deviceReady(id));
    if (!down) return;
    this.waiting++;
    this.say(`waiting for ${down} to come back: ${what}`, engineNote(code, { device: down, record: card.record_id }));
    this.publish();
    this.d.log({ type: 'engine.wait', severity: 'warn', outcome: 'failure', message: `card ${card.record_id} waits: ${down} is not available`, card });
    try {
      while (down) {
        if (this.estop.signal.aborted) throw this.estop.signal.reason;
        if (stoppable && this.stopAfterStep) throw new StopRequested('OPERATOR_STOP');
        await new Promise((r) => setTimeout(r, this.d.waitPollMs ?? 200));
        const was: string = down;
        down = ids.find((id) => !this.d.deviceReady(id));
        if (down && down !== was) {
          this.say(`waiting for ${down} to come back: ${what}`, engineNote(code, { device: down, record: card.record_id }));
          this.publish();
        }
      }
    } finally {
      // The message belongs to the last card still waiting.
      if (--this.waiting === 0 && this.note?.code.startsWith('wait')) {
        this.say(null);
        this.publish();
      }
    }
  }

  private async runCard(card: CardDbRow, product: Product, firstSlot: number): Promise<void> {
    const { store } = this.d;
    const signal = this.estop.signal;
    // Moves end at a stop too (the current step is done by then); device steps only at an emergency stop.
    const moveSignal = AbortSignal.any([signal, this.stopMoves.signal]);
    const transportIds = [this.d.transport.id];
    // A card keeps its station until it has physically left it: `held` is the station the card
    // is at (or is fed for), `next` the one it is being moved to. Both are freed only once the
    // card is out of the machine (or at the next station).
    let held: { kind: StepKind; slot: number } | null = { kind: product.steps[0], slot: firstSlot };
    let next: { kind: StepKind; slot: number } | null = null;
    const releaseAll = () => {
      if (held) this.pools.get(held.kind)!.release(held.slot);
      if (next) this.pools.get(next.kind)!.release(next.slot);
      held = next = null;
    };
    let failure: { reason: ReasonCode; message: string; step: StepKind | 'feed' | 'eject' } | null = null;
    let handle: number | null = null;
    let leaveInput: (() => void) | null = null;
    let cur = card;
    const readBacks: { step: StepKind; rb: ReadBack }[] = [];
    try {
      try {
        let record;
        try {
          record = store.openRecord(card);
        } catch (e) {
          failure = { reason: 'DATA_INVALID', message: (e as Error).message, step: 'feed' };
          throw null;
        }
        leaveInput = await this.input.lock();
        // No blank leaves the hopper while a device of the line is away: the card would only wait
        // in the path, or be spoiled by the device that is not there.
        try {
          await this.waitForDevices(this.feedDeviceIds, card, 'no new card is fed until it is back', 'waitFeed');
        } catch (e) {
          if (!(e instanceof StopRequested)) throw e;
          cur = store.transition(card.id, 'queued', { step: null });
          this.bump('in_progress', 'queued');
          this.emit(cur);
          return;
        }
        // An emergency stop that landed before the FEED: no blank left the hopper, so the record
        // goes back to the queue and nothing is counted as spoiled for it.
        if (signal.aborted) {
          cur = store.transition(card.id, 'queued', { step: null });
          this.bump('in_progress', 'queued');
          this.emit(cur);
          return;
        }
        store.journal(card.id, 'feed', null, 1, 'intent', null, null);
        try {
          handle = await this.d.transport.feed({ cardId: card.id, signal: moveSignal });
        } catch (e) {
          // A FEED that never went out took no blank: whatever stopped it, the record goes back to the queue.
          if (signal.aborted && !neverSent(e)) throw signal.reason;
          if (answerLost(e)) {
            // The FEED went out and its answer was lost: a blank may be at the input. The feed
            // stays open in the journal, so the card counts as in the path until it is cleared.
            failure = { ...transportFailure(e, 'feed'), step: 'feed' };
            this.pauseFor(failure.message, pausedBy(failure.reason));
            throw null;
          }
          const jammed = jammedHandle(e);
          if (jammed != null) {
            // The FEED took a blank and it jammed at the hopper: a blank left the hopper for this
            // card. It is spoiled MACHINE_JAM at the feed, and waits below for the operator to take
            // it out and press Recover (or for the path to be cleared).
            store.journal(card.id, 'feed', null, 1, 'result', true, null, { jammed: true });
            handle = jammed;
            failure = { ...transportFailure(e, 'feed'), step: 'feed' };
            this.pauseFor(failure.message, pausedBy(failure.reason));
            throw null;
          }
          const stopped = moveSignal.aborted;
          const f = stopped ? { reason: 'OPERATOR_STOP' as const, message: 'stopped before a card was taken' } : transportFailure(e, 'feed');
          store.journal(card.id, 'feed', null, 1, 'result', false, f.reason);
          // The record was not worked on: it goes back to the queue untouched, and a machine that
          // could not feed (empty hopper, jam, a card still at the input) pauses the line for a person.
          cur = store.transition(card.id, 'queued', { step: null });
          this.bump('in_progress', 'queued');
          this.emit(cur);
          if (!stopped) this.pauseFor(f.message, pausedBy(f.reason));
          return;
        }
        store.journal(card.id, 'feed', null, 1, 'result', true, null);

        for (let i = 0; i < product.steps.length; i++) {
          const kind = product.steps[i];
          const m = this.d.modules[kind]!;
          let slot: number;
          if (i === 0) slot = firstSlot;
          else {
            slot = await this.pools.get(kind)!.acquire(signal);
            next = { kind, slot };
          }
          if (this.stopAfterStep) throw new StopRequested(signal.aborted ? 'EMERGENCY_STOP' : 'OPERATOR_STOP');
          await this.waitForDevices([m.deviceIds[slot] ?? m.deviceIds[0], ...transportIds].filter(Boolean), cur, `card ${cur.record_id} waits at ${cur.step ?? 'the input'}`, 'waitStep');
          cur = store.transition(card.id, 'in_progress', { step: kind, slot });
          this.emit(cur);
          store.journal(card.id, `move:${kind}`, slot, 1, 'intent', null, null);
          try {
            await this.d.transport.moveTo(handle, kind, slot, moveSignal);
            leaveInput?.();
          } catch (e) {
            if (moveSignal.aborted) throw moveSignal.reason;
            const f = transportFailure(e, kind);
            store.journal(card.id, `move:${kind}`, slot, 1, 'result', false, f.reason);
            failure = { ...f, step: kind };
            // Pause before this card frees its station, so no further card is fed into a faulted machine.
            if (pausesLine(f.reason)) this.pauseFor(f.message, pausedBy(f.reason));
            throw null;
          }
          store.journal(card.id, `move:${kind}`, slot, 1, 'result', true, null);
          // The card has left its previous station: that one is free for the card behind.
          if (next) {
            if (held) this.pools.get(held.kind)!.release(held.slot);
            held = next;
            next = null;
          }
          const outcome = await this.runStep(m, cur, product, record, slot, signal);
          if (!outcome.ok) {
            failure = { reason: outcome.reason, message: outcome.message, step: kind };
            throw null;
          }
          if (outcome.readBack) readBacks.push({ step: kind, rb: outcome.readBack });
        }
        const mismatch = crosscheck(record, readBacks);
        if (mismatch) failure = { reason: 'CROSSCHECK_MISMATCH', message: mismatch, step: product.steps[product.steps.length - 1] };
      } catch (e) {
        if (e instanceof StopRequested) failure = { reason: e.reason, message: e.reason === 'EMERGENCY_STOP' ? 'emergency stop' : 'stopped by the operator', step: cur.step === 'feed' ? 'feed' : ((cur.step as StepKind) ?? 'feed') };
        else if (e !== null && !failure) failure = { reason: 'INTERNAL', message: `unexpected ${(e as Error)?.name ?? 'error'} in the engine`, step: (cur.step as StepKind) ?? 'feed' };
      } finally {
        leaveInput?.();
        // A station the card never reached is free at once; the one it is at only once it is out.
        if (next) this.pools.get(next.kind)!.release(next.slot);
        next = null;
      }
      if (cur.state !== 'in_progress') return;
      const bin = failure ? 'reject' : 'good';
      if (handle != null && !signal.aborted) {
        try {
          await this.waitForDevices(transportIds, cur, `card ${cur.record_id} waits to leave for the ${bin} bin`, 'waitEject', false);
          store.journal(card.id, 'eject', null, 1, 'intent', null, bin);
          const out = await this.d.transport.eject(handle, bin, signal);
          if (out === 'removed') failure = this.removedByHand(cur, failure);
          else store.journal(card.id, 'eject', null, 1, 'result', true, bin);
        } catch (e) {
          if (signal.aborted) {
            if (!failure) failure = { reason: 'EMERGENCY_STOP', message: 'emergency stop', step: 'eject' };
          } else {
            const f = transportFailure(e, 'eject');
            store.journal(card.id, 'eject', null, 1, 'result', false, f.reason);
            if (!failure) failure = { ...f, step: 'eject' };
            // A card stuck on its way out blocks the path: stop feeding until a person has looked.
            this.pauseFor(f.message, pausedBy(f.reason));
          }
        }
      }
      this.settle(card, cur, failure, product);
    } finally {
      releaseAll();
    }
  }

  /**
   * A jammed card the operator took out (the machine's Recover named it) left the path by hand:
   * recorded so, with a log entry that says where it was and why it is spoiled. It fails with its
   * reason and step (a jam; never passed, whatever its steps did).
   */
  private removedByHand(cur: CardDbRow, failure: { reason: ReasonCode; message: string; step: StepKind | 'feed' | 'eject' } | null) {
    const f = failure ?? { reason: 'MACHINE_JAM' as const, message: 'the card was taken out of the machine after a jam', step: 'eject' as const };
    this.d.store.db.transaction(() => {
      this.d.store.journal(cur.id, 'clear', cur.slot, 1, 'result', true, 'reject', { how: 'by-hand', after: 'jam' });
      this.d.log({
        type: 'card.cleared', severity: 'warn', outcome: 'success', card: cur, data: { reason: f.reason },
        message: `card ${cur.record_id} ${whereIs(cur)} was taken out of the machine by the operator after a jam; counted as spoiled (${f.reason})`,
      });
    })();
    return f;
  }

  /** The card's outcome, the purge of its record and its log entry commit together: a crash can
   * never leave a passed card without its entry, or its entry without the purge. */
  private settle(card: CardDbRow, at: CardDbRow, f: { reason: ReasonCode; message: string; step: StepKind | 'feed' | 'eject' } | null, product: Product): void {
    const { store } = this.d;
    let cur = at;
    store.db.transaction(() => {
      if (f) {
        cur = store.transition(card.id, 'failed', { reason: f.reason, message: f.message, step: f.step });
        this.d.log({ type: 'card.failed', severity: 'warn', outcome: 'failure', message: `card ${card.record_id} failed at ${f.step}: ${f.message}`, card: cur, data: { reason: f.reason } });
      } else {
        cur = store.transition(card.id, 'passed', { step: null, slot: null });
        store.purgeRecord(card.batch_id, card.record_index);
        this.d.log({ type: 'card.passed', severity: 'info', outcome: 'success', message: `card ${card.record_id} passed`, card: cur });
      }
    })();
    this.bump('in_progress', f ? 'failed' : 'passed');
    if (f && pausesLine(f.reason)) this.pauseFor(f.message, pausedBy(f.reason));
    else this.countRun(f, product);
    this.rate.mark(Date.now());
    this.emit(cur);
    this.publish();
  }

  /** N cards in a row failing for the same reason point at the line, not at the cards: pause. */
  private countRun(f: { reason: ReasonCode; message: string } | null, product: Product): void {
    if (!f || f.reason === 'OPERATOR_STOP' || f.reason === 'EMERGENCY_STOP') {
      if (!f) this.run = { reason: null, count: 0 };
      return;
    }
    this.run = this.run.reason === f.reason ? { reason: f.reason, count: this.run.count + 1 } : { reason: f.reason, count: 1 };
    const limit = product.pauseAfterFailures ?? this.d.pauseAfterFailures ?? 3;
    if (limit > 0 && this.run.count >= limit) {
      this.pauseFor(`${this.run.count} cards in a row failed with ${f.reason} (last: ${f.message}); the line is paused: check the device, then resume`, engineNote('pausedRun', { count: this.run.count, reason: f.reason }));
      this.run = { reason: null, count: 0 };
    }
  }

  /** Sets what the status says: the log's line and the note the screen words it by (or neither). */
  private say(message: string | null, note: StatusNote | null = null): void {
    this.message = message;
    this.note = message === null ? null : note;
  }

  private pauseFor(message: string, note: StatusNote): void {
    this.say(message, note);
    // Called from a card still counted in flight: the line is paused once the others are done.
    if (this.state === 'running') this.setState('pausing');
    else this.publish();
  }

  private async runStep(m: StepModule, card: CardDbRow, product: Product, record: ReturnType<CardStore['openRecord']>, slot: number, signal: AbortSignal): Promise<StepOutcome> {
    const retries = product.retries[m.kind] ?? 0;
    let outcome: StepOutcome = { ok: false, reason: 'INTERNAL', message: 'not run' };
    let lastEmit = 0;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      const facts: Record<string, string | number | boolean> = {};
      this.d.store.journal(card.id, m.kind, slot, attempt, 'intent', null, null);
      try {
        outcome = await m.run({
          cardId: card.id, batchId: card.batch_id, recordIndex: card.record_index, record, product, slot, attempt, signal,
          progress: (f) => {
            this.progress.set(card.id, f);
            const now = Date.now();
            if (now - lastEmit > 100) {
              lastEmit = now;
              this.emit(card);
            }
          },
          note: (f) => Object.assign(facts, f),
        });
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        outcome = { ok: false, reason: 'INTERNAL', message: `the ${m.kind} module failed unexpectedly (${(e as Error)?.name ?? 'error'})` };
      }
      this.d.store.journal(card.id, m.kind, slot, attempt, 'result', outcome.ok, outcome.ok ? null : outcome.reason, facts);
      if (Object.keys(facts).length) this.d.log({ type: `step.${m.kind}`, severity: outcome.ok ? 'info' : 'warn', outcome: outcome.ok ? 'success' : 'failure', message: `card ${card.record_id} ${m.kind} attempt ${attempt}: ${outcome.ok ? 'ok' : outcome.reason}`, card, data: facts });
      if (outcome.ok || outcome.retryable === false || signal.aborted) break;
    }
    if (signal.aborted) throw signal.reason;
    return outcome;
  }
}
