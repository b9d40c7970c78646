import { z } from 'zod';
import type { CallTable, EventTable } from '../common';
import { empty } from '../common';
import { CardStateSchema } from '../dto';

// The recovery part of the contract (merged into CALLS/EVENTS in ../channels.ts): after a crash
// or power cut, which cards were found in progress at the start, where each one physically is,
// and which interrupted cards still wait for a supervisor's decision (taken with cards.decide).

export const RecoveredCardSchema = z.object({
  cardId: z.number().int(),
  batchId: z.string(),
  recordId: z.string(),
  attempt: z.number().int(),
  maskedPan: z.string(),
  /** Where the card was when the station stopped: its step, the module slot and that slot's device. */
  step: z.string().nullable(),
  slot: z.number().int().nullable(),
  deviceId: z.string().nullable(),
  /** The journal's last entry for the card, in words for the CLI and the log (e.g. "magstripe intent (no result recorded)"). */
  lastAction: z.string().nullable(),
  /** The same entry as data, for the screen to word from its catalogue: the step (or "move:chip", "feed", "eject", "clear"), intent or result, and the result. */
  last: z.object({ step: z.string(), phase: z.enum(['intent', 'result']), ok: z.boolean().nullable(), reason: z.string().nullable() }).nullable(),
  /** The card's state now: failed while it waits for a decision, then rejected or reworked. */
  state: CardStateSchema,
});
export type RecoveredCardDto = z.infer<typeof RecoveredCardSchema>;

/** A card that may still be in the machine: after an emergency stop, a jam or a crash. */
export const PathCardSchema = z.object({
  cardId: z.number().int(),
  batchId: z.string(),
  recordId: z.string(),
  maskedPan: z.string(),
  step: z.string().nullable(),
  slot: z.number().int().nullable(),
  deviceId: z.string().nullable(),
  state: CardStateSchema,
  /** Why the card stopped (EMERGENCY_STOP, INTERRUPTED, MACHINE_JAM…): it is counted as spoiled with it. */
  reason: z.string().nullable(),
});
export type PathCardDto = z.infer<typeof PathCardSchema>;

const PathStatusSchema = z.object({
  cards: z.array(PathCardSchema),
  /** 'machine': one action sends every card to the reject bin; 'by-hand': the operator takes each card out and confirms it. */
  clearBy: z.enum(['machine', 'by-hand']),
});

export const RECOVERY_CALLS = {
  /** Which cards may still be in the machine, and how the path is cleared. */
  'recovery.path': { input: empty, output: PathStatusSchema },
  /** Clears the path (no cardId: the machine's reset), or confirms one card was taken out by hand. */
  'recovery.clearPath': { input: z.object({ cardId: z.number().int().optional() }).strict(), output: PathStatusSchema },
  'recovery.status': {
    input: empty,
    output: z.object({
      /** When the station last started. */
      startedAt: z.number(),
      /** Cards found in progress at that start. */
      recovered: z.array(RecoveredCardSchema),
      /** Every card still failed as INTERRUPTED (this start's or an earlier one's), oldest first. */
      awaitingDecision: z.array(RecoveredCardSchema),
      /** More interrupted cards wait than the list holds. */
      truncated: z.boolean(),
    }),
  },
} as const satisfies CallTable;

export const RECOVERY_EVENTS = {} as const satisfies EventTable;
