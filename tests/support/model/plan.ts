import { seeded } from '../rng';

// One sequence, as a plan drawn from one seed: a batch with its product's retries, which of its
// blanks are bad, the events that land while it runs (keyed to the machine command they come
// before, so they hit whatever card is in flight then), what the supervisor decides and what the
// operator counts from the vault. The same seed gives the same plan; the printed plan is the
// replay recipe.

export type FaultKind =
  | 'chipStatus' // a status word on a STORE DATA block, for one blank
  | 'cardPulled' // the card leaves the reader during STORE DATA, for one blank
  | 'stripeDefective' // a blank whose stripe cannot be written
  | 'stripeWriteError' // the encoder answers one write with an error, to whatever card is at it
  | 'stripeGarbage' // the encoder's next read-back is garbled
  | 'encoderSilent' // the encoder swallows one command (a timeout), then answers again
  | 'jam' // the next machine move jams the card it moves
  | 'cover' // a cover is opened before a machine command; the operator closes it
  | 'laserAlarm' // the laser raises an alarm while burning
  | 'machineUnplugged' // the machine's cable is pulled and put back
  | 'laserUnplugged'; // the laser's cable is pulled and put back

export type Control = 'pause' | 'stop' | 'estop';
export type EventKind = FaultKind | Control;

export interface TimedEvent {
  /** Fires just before the sequence's k-th machine command (1-based). */
  atCommand: number;
  what: Exclude<EventKind, 'chipStatus' | 'cardPulled' | 'stripeDefective'>;
}

export interface CardFault {
  /** The sequence's k-th blank taken from the hopper (0-based). */
  blank: number;
  what: 'chipStatus' | 'cardPulled' | 'stripeDefective';
  dgi?: string;
  sw?: number;
  atStoreData?: number;
}

export interface SequencePlan {
  seed: number;
  cards: number;
  retries: { chip: number; magstripe: number };
  cardFaults: CardFault[];
  events: TimedEvent[];
  /** Share of failed cards the supervisor rejects (the others are reworked onto new blanks). */
  rejectOdds: number;
  /** The operator holds one queued card between runs; the supervisor releases it the next round. */
  holdCard: boolean;
  /** The batch is held (a start is refused) and released before its first run. */
  holdBatch: boolean;
  vault: { samples: number; returned: number; /** added to the blanks taken: ≠ 0 is a miscount */ miscount: number };
}

/**
 * Kinds a sequence does not draw yet, each with the open item of issue 11 that makes today's
 * main fail it (being fixed by another helper). The harness expresses every one of them:
 * `npm run soak -- --all` draws them anyway. Remove an entry when its fix is on main.
 */
export const GATED: Partial<Record<EventKind, string>> = {};

/**
 * Kinds main survives but that cost seconds of real waiting each, which `npm test` cannot afford
 * 500 times: drawn by the soak with `--slow`.
 */
export const SLOW: Partial<Record<EventKind, string>> = {
  // The driver's answer timeout, then its probe's backoff (item 2's fix) before it is back: ~7 s.
  encoderSilent: 'the encoder timeout and the probe backoff, ~7 s a sequence',
};

const TIMED: TimedEvent['what'][] = ['pause', 'stop', 'estop', 'stripeWriteError', 'stripeGarbage', 'encoderSilent', 'jam', 'cover', 'laserAlarm', 'machineUnplugged', 'laserUnplugged'];
const PER_CARD: CardFault['what'][] = ['chipStatus', 'cardPulled', 'stripeDefective'];
const SWS = [0x6581, 0x6a80, 0x6a84, 0x6985, 0x6f00];
const DGIS = ['0101', '0201', '8000'];

export interface PlanOptions {
  /** Draw the gated kinds too. */
  all?: boolean;
  /** Draw the SLOW kinds too. */
  slow?: boolean;
  /** Draw only these kinds. */
  only?: readonly EventKind[];
}

export function planSequence(seed: number, o: PlanOptions = {}): SequencePlan {
  const r = seeded(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const allowed = (k: EventKind) => (o.only ? o.only.includes(k) : o.all || (!GATED[k] && (o.slow || !SLOW[k])));
  const timed = TIMED.filter(allowed);
  const retries = { chip: pick([0, 0, 1, 2]), magstripe: pick([0, 1, 2]) };
  const perCard = PER_CARD.filter(allowed);
  const cards = int(2, 7);
  const events: TimedEvent[] = [];
  const nEvents = !timed.length || r() < 0.2 ? 0 : int(1, 3);
  for (let e = 0; e < nEvents; e++) events.push({ atCommand: int(1, cards * 9), what: pick(timed) });
  events.sort((a, c) => a.atCommand - c.atCommand);
  const cardFaults: CardFault[] = [];
  const nCardFaults = perCard.length ? int(0, 2) : 0;
  for (let i = 0; i < nCardFaults; i++) {
    const blank = int(0, cards + 1);
    if (cardFaults.some((f) => f.blank === blank)) continue;
    const what = pick(perCard);
    if (what === 'chipStatus') cardFaults.push({ blank, what, dgi: pick(DGIS), sw: pick(SWS) });
    else if (what === 'cardPulled') cardFaults.push({ blank, what, atStoreData: int(1, 3) });
    else cardFaults.push({ blank, what });
  }
  return {
    seed, cards, retries, cardFaults, events,
    rejectOdds: pick([0, 0.3, 1]), holdCard: r() < 0.25, holdBatch: r() < 0.15,
    vault: { samples: int(0, 2), returned: int(0, 3), miscount: r() < 0.2 ? pick([-2, -1, 1, 3]) : 0 },
  };
}

/** The plan in a few readable lines, printed with a failing seed. */
export function describePlan(p: SequencePlan): string {
  const lines = [
    `sequence seed ${p.seed}: ${p.cards} cards, retries chip ${p.retries.chip} stripe ${p.retries.magstripe}, reject odds ${p.rejectOdds}` +
      `${p.holdBatch ? ', batch held and released first' : ''}${p.holdCard ? ', one card held between runs' : ''}; vault samples ${p.vault.samples} returned ${p.vault.returned} miscount ${p.vault.miscount}`,
  ];
  for (const f of p.cardFaults) lines.push(`  blank #${f.blank}: ${f.what}${f.dgi ? ` DGI ${f.dgi} SW ${f.sw!.toString(16).toUpperCase()}` : ''}${f.atStoreData ? ` at STORE DATA ${f.atStoreData}` : ''}`);
  for (const e of p.events) lines.push(`  before machine command ${e.atCommand}: ${e.what}`);
  return lines.join('\n');
}

/** Every kind the plan names, for the run's tally. */
export function kindsOf(p: SequencePlan): EventKind[] {
  return [...new Set<EventKind>([...p.events.map((e) => e.what), ...p.cardFaults.map((f) => f.what)])];
}
