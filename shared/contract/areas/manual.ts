import { z } from 'zod';
import type { CallTable, EventTable } from '../common';
import { empty } from '../common';
import { StepKindSchema } from '../../domain/product';

// The manual part of the contract (merged into CALLS/EVENTS in ../channels.ts): a station with
// no transport machine asks the operator to carry each card, and waits for the device to see
// it or for the operator to confirm it.

/** 'place': take a blank card and put it in the device; 'move': move the card from where it is. */
export const ManualInstructionSchema = z.enum(['place', 'move', 'good-tray', 'reject-tray']);

export const ManualPromptSchema = z.object({
  promptId: z.string(),
  cardId: z.number().int(),
  recordId: z.string(),
  maskedPan: z.string(),
  instruction: ManualInstructionSchema,
  /** The step the device does (null for a tray). */
  step: StepKindSchema.nullable(),
  deviceId: z.string().nullable(),
  slot: z.number().int().nullable(),
  /** false: the device tells the station itself (a chip reader sees the card). */
  needsConfirmation: z.boolean(),
  since: z.number(),
});
export type ManualPromptDto = z.infer<typeof ManualPromptSchema>;

export const MANUAL_CALLS = {
  /** manual: false when the station has a transport machine (then there is never a prompt). */
  'manual.pending': { input: empty, output: z.object({ manual: z.boolean(), prompts: z.array(ManualPromptSchema) }) },
  'manual.confirm': { input: z.object({ promptId: z.string().min(1).max(64) }).strict(), output: ManualPromptSchema },
} as const satisfies CallTable;

export const MANUAL_EVENTS = {
  /** A new prompt; after one is done, the oldest still pending; null when nothing is pending. */
  'manual.prompt': ManualPromptSchema.nullable(),
} as const satisfies EventTable;
