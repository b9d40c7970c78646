import { z } from 'zod';

// Building blocks shared by the contract's call tables.
export const empty = z.object({}).strict();
export const ok = z.object({ ok: z.literal(true) });
export const id = z.string().min(1).max(64);
export const reason = z.string().trim().min(3, 'give a reason of at least 3 characters').max(500);

export type CallTable = Record<string, { input: z.ZodType; output: z.ZodType }>;
export type EventTable = Record<string, z.ZodType>;
