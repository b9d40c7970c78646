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
  /** The journal's last entry for the card, in words (e.g. "magstripe intent (no result recorded)"). */
  lastAction: z.string().nullable(),
  /** The card's state now: failed while it waits for a decision, then rejected or reworked. */
  state: CardStateSchema,
});
export type RecoveredCardDto = z.infer<typeof RecoveredCardSchema>;

export const RECOVERY_CALLS = {
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
