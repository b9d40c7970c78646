import { z } from 'zod';
import { CARD_STATES } from '../domain/card-state';
import { STEP_KINDS } from '../domain/product';
import { StatusNoteSchema } from '../domain/status-notes';

// The shapes that cross the process boundary. None of them can carry a full PAN or a secret:
// rows carry the masked PAN only.

export const RoleSchema = z.enum(['operator', 'supervisor', 'administrator']);
export type Role = z.infer<typeof RoleSchema>;

export const SessionInfoSchema = z.object({
  user: z.object({ username: z.string(), displayName: z.string(), role: RoleSchema }).nullable(),
  /** No user exists yet: the first administrator must be created. */
  needsBootstrap: z.boolean(),
  /** Some loaded product is a test product using test keys: the UI shows a banner. */
  testKeys: z.boolean(),
  stationName: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const CardStateSchema = z.enum(CARD_STATES);
export const CardStepSchema = z.enum([...STEP_KINDS, 'feed', 'eject']);

export const CardRowSchema = z.object({
  id: z.number().int(),
  batchId: z.string(),
  recordIndex: z.number().int(),
  recordId: z.string(),
  attempt: z.number().int(),
  maskedPan: z.string(),
  state: CardStateSchema,
  step: CardStepSchema.nullable(),
  /** Which unit of the step's module (chip head, encoder…) the card is or stopped at, from 0. */
  slot: z.number().int().nullable(),
  /** 0..1 progress of the current step. */
  progress: z.number().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  updatedAt: z.number(),
});
export type CardRow = z.infer<typeof CardRowSchema>;

export const CountsSchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  inProgress: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  rejected: z.number().int(),
  reworked: z.number().int(),
  held: z.number().int(),
});
export type Counts = z.infer<typeof CountsSchema>;

export const BatchSummarySchema = z.object({
  batchId: z.string(),
  productId: z.string(),
  productName: z.string(),
  issuer: z.string().nullable(),
  importedAt: z.number(),
  importedBy: z.string().nullable(),
  state: z.enum(['open', 'held', 'closed']),
  counts: CountsSchema,
});
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

export const EngineStatusSchema = z.object({
  state: z.enum(['idle', 'running', 'pausing', 'paused', 'stopping', 'stopped', 'estopped', 'finished']),
  batchId: z.string().nullable(),
  counts: CountsSchema.nullable(),
  cardsPerHour: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  startedAt: z.number().nullable(),
  message: z.string().nullable(),
  /** Why the line is as it is, as a code the screen words from its catalogue (the message is the log's line). */
  note: StatusNoteSchema.nullable().optional(),
  /** Cards that may still be in the machine (after an emergency stop, a jam or a crash): while any is, Start is refused. */
  pathCards: z.number().int().optional(),
  /** Names the engine instance (a restarted station starts a new one). */
  epoch: z.string().max(64),
  /**
   * Grows with every change the engine publishes. A call's answer can reach the screen after an
   * event that was sent later (the resume of a drained run finishes it at once): within one epoch
   * a lower rev is stale (isNewerStatus).
   */
  rev: z.number().int().nonnegative(),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

/** Whether status s may replace cur: another engine instance, or the same one at least as recent. */
export function isNewerStatus(cur: EngineStatus | null, s: EngineStatus): boolean {
  return !cur || cur.epoch !== s.epoch || s.rev >= cur.rev;
}

export const DeviceStatusSchema = z.object({
  id: z.string(),
  kind: z.enum(['reader', 'encoder', 'machine', 'laser', 'keystore']),
  name: z.string(),
  state: z.enum(['online', 'busy', 'offline', 'error']),
  message: z.string().optional(),
  action: z.string().optional(),
  note: StatusNoteSchema.optional(),
  commands: z.array(z.enum(['unlock', 'home', 'recover'])).optional(),
  since: z.number(),
});

export const LogEntrySchema = z.object({
  seq: z.number().int(),
  ts: z.number(),
  type: z.string(),
  severity: z.enum(['info', 'warn', 'error']),
  outcome: z.enum(['success', 'failure']),
  user: z.string().nullable(),
  origin: z.string(),
  resource: z.string().nullable(),
  batchId: z.string().nullable(),
  cardId: z.number().nullable(),
  recordId: z.string().nullable(),
  maskedPan: z.string().nullable(),
  message: z.string(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const LogFilterSchema = z.object({
  batchId: z.string().max(64).optional(),
  cardId: z.number().int().optional(),
  recordId: z.string().max(64).optional(),
  maskedPan: z.string().max(32).optional(),
  user: z.string().max(64).optional(),
  type: z.array(z.string().max(64)).max(50).optional(),
  severity: z.array(z.enum(['info', 'warn', 'error'])).max(3).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  text: z.string().max(200).optional(),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;

export const ProblemSchema = z.object({ record: z.number().nullable(), recordId: z.string().optional(), field: z.string(), message: z.string() });

export const ProductSummarySchema = z.object({ id: z.string(), name: z.string(), test: z.boolean(), steps: z.array(z.enum(STEP_KINDS)) });
export type ProductSummary = z.infer<typeof ProductSummarySchema>;

/** `available` is false once a card is done: its record is no longer held, so nothing is drawn. */
export const PreviewSchema = z.object({ front: z.string(), back: z.string(), masked: z.boolean(), cardId: z.number().nullable(), available: z.boolean().default(true) });
export type Preview = z.infer<typeof PreviewSchema>;

export const ProgressSchema = z.object({
  taskId: z.string(), label: z.string(), done: z.number(), total: z.number(), finished: z.boolean(),
  /** Long tasks that can tell: items per second, time left, and whether the task can be cancelled. */
  rate: z.number().optional(), etaMs: z.number().optional(), cancellable: z.boolean().optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const CallErrorSchema = z.object({
  code: z.enum(['BAD_REQUEST', 'VALIDATION', 'FORBIDDEN', 'AUTH', 'NOT_FOUND', 'CONFLICT', 'BUSY', 'INTERNAL']),
  message: z.string(),
  problems: z.array(ProblemSchema).optional(),
  /** How many problems there are in all when `problems` lists only the first of them. */
  problemsTotal: z.number().int().optional(),
});
export type CallError = z.infer<typeof CallErrorSchema>;
