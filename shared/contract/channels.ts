import { z } from 'zod';
import {
  BatchSummarySchema, CardRowSchema, CardStateSchema, CountsSchema, DeviceStatusSchema, EngineStatusSchema,
  LogEntrySchema, LogFilterSchema, PreviewSchema, ProductSummarySchema, ProgressSchema, SessionInfoSchema, RoleSchema,
} from './dto';

// THE contract between the renderer and the station: every call with the schema of its input and
// output, every event with the schema of its payload. The preload, the IPC handlers, the bridge
// and the renderer's client are all generated from this one table (GitHub Desktop's pattern).
import { empty, ok, id, reason } from './common';
import { REPORTS_CALLS, REPORTS_EVENTS } from './areas/reports';
import { KEYS_CALLS, KEYS_EVENTS } from './areas/keys';
import { MANUAL_CALLS, MANUAL_EVENTS } from './areas/manual';
import { RECOVERY_CALLS, RECOVERY_EVENTS } from './areas/recovery';
import { PRODUCTS_CALLS, PRODUCTS_EVENTS } from './areas/products';
import { DEVICES_CALLS } from './areas/devices';

export const CALLS = {
  'session.status': { input: empty, output: SessionInfoSchema },
  'session.login': { input: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict(), output: SessionInfoSchema },
  'session.logout': { input: empty, output: SessionInfoSchema },
  'session.bootstrap': {
    input: z.object({ username: z.string().min(1).max(64), displayName: z.string().min(1).max(80), password: z.string().min(12, 'must be at least 12 characters').max(256) }).strict(),
    output: SessionInfoSchema,
  },

  'products.list': { input: empty, output: z.array(ProductSummarySchema) },

  'batches.list': { input: empty, output: z.array(BatchSummarySchema) },
  'batches.import': {
    input: z.object({ fileName: z.string().min(1).max(255), content: z.string().max(200 * 1024 * 1024) }).strict(),
    output: z.object({ batchId: z.string(), records: z.number().int() }),
  },
  /** Cancels a running import (its task.progress taskId); nothing of the file is stored. */
  'batches.importCancel': { input: z.object({ taskId: z.string().min(1).max(80) }).strict(), output: z.object({ cancelled: z.boolean() }) },
  'batches.hold': { input: z.object({ batchId: id, hold: z.boolean(), reason }).strict(), output: ok },

  'queue.page': {
    // recordId: the cards (attempts) of one record, to find a card by the ID on its paperwork.
    input: z.object({ batchId: id.optional(), states: z.array(CardStateSchema).max(10).optional(), recordId: z.string().min(1).max(64).optional(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    output: z.object({ total: z.number().int(), rows: z.array(CardRowSchema) }),
  },
  'queue.counts': { input: z.object({ batchId: id.optional() }).strict(), output: CountsSchema },

  'engine.status': { input: empty, output: EngineStatusSchema },
  'engine.start': { input: z.object({ batchId: id }).strict(), output: EngineStatusSchema },
  'engine.pause': { input: empty, output: EngineStatusSchema },
  'engine.resume': { input: empty, output: EngineStatusSchema },
  'engine.stop': { input: empty, output: EngineStatusSchema },
  'engine.estop': { input: empty, output: EngineStatusSchema },

  'cards.decide': { input: z.object({ cardId: z.number().int(), decision: z.enum(['reject', 'rework', 'good']), reason }).strict(), output: CardRowSchema },
  'cards.hold': { input: z.object({ cardId: z.number().int(), hold: z.boolean(), reason }).strict(), output: CardRowSchema },
  'cards.preview': { input: z.object({ cardId: z.number().int(), reveal: z.boolean().default(false) }).strict(), output: PreviewSchema },

  'devices.list': { input: empty, output: z.array(DeviceStatusSchema) },

  'log.query': {
    input: z.object({ filter: LogFilterSchema, beforeSeq: z.number().int().optional(), limit: z.number().int().min(1).max(500) }).strict(),
    output: z.object({ rows: z.array(LogEntrySchema), nextBeforeSeq: z.number().int().nullable() }),
  },
  'log.export': { input: z.object({ filter: LogFilterSchema }).strict(), output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int() }) },

  'users.list': { input: empty, output: z.array(z.object({ username: z.string(), displayName: z.string(), role: RoleSchema, disabled: z.boolean() })) },
  'users.create': {
    input: z.object({ username: z.string().min(1).max(64), displayName: z.string().min(1).max(80), role: RoleSchema, password: z.string().min(12).max(256) }).strict(),
    output: ok,
  },
  ...REPORTS_CALLS,
  ...KEYS_CALLS,
  ...MANUAL_CALLS,
  ...RECOVERY_CALLS,
  ...PRODUCTS_CALLS,
  ...DEVICES_CALLS,
} as const;

export const EVENTS = {
  'engine.status': EngineStatusSchema,
  'card.updated': CardRowSchema,
  'device.status': DeviceStatusSchema,
  'log.appended': LogEntrySchema,
  'task.progress': ProgressSchema,
  'session.changed': SessionInfoSchema,
  ...REPORTS_EVENTS,
  ...KEYS_EVENTS,
  ...MANUAL_EVENTS,
  ...RECOVERY_EVENTS,
  ...PRODUCTS_EVENTS,
} as const;

export type CallName = keyof typeof CALLS;
export type EventName = keyof typeof EVENTS;
export type CallInput<K extends CallName> = z.input<(typeof CALLS)[K]['input']>;
export type CallOutput<K extends CallName> = z.output<(typeof CALLS)[K]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;
export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export { ipcCallChannel, IPC_EVENT_CHANNEL } from './ipc-names';
