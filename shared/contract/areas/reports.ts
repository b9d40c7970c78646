import { z } from 'zod';
import type { CallTable, EventTable } from '../common';
import { id, reason } from '../common';
import { CardStateSchema, CountsSchema, RoleSchema } from '../dto';

// The reports part of the contract (merged into CALLS/EVENTS in ../channels.ts): batch and
// shift reconciliation, sign-off and closing, chart data, device history and exports.
// See docs/reports.md for the equation and the closing rules.

const ts = z.number().int().min(0);
const count = z.number().int().min(0).max(10_000_000);
const DAY = 86_400_000;

/** A time window; `to` is inclusive. */
const window = (maxDays: number) =>
  z
    .object({ from: ts, to: ts })
    .strict()
    .refine((w) => w.to > w.from, { message: '"to" must be after "from"', path: ['to'] })
    .refine((w) => w.to - w.from <= maxDays * DAY, { message: `the range may span at most ${maxDays} days`, path: ['to'] });

export const ReasonCountSchema = z.object({ reason: z.string(), count: z.number().int() });

export const ReconciliationSchema = z.object({
  /** Operator-recorded vault figures; null until recorded. */
  issuedFromVault: z.number().int().nullable(),
  samples: z.number().int().nullable(),
  returnedToVault: z.number().int().nullable(),
  /** From the station: cards in state passed. */
  good: z.number().int(),
  /** Spoiled physical cards: failed + rejected + reworked. */
  spoiled: z.number().int(),
  spoiledByReason: z.array(ReasonCountSchema),
  /** good + spoiled + samples + returned (unrecorded figures count as 0). */
  accounted: z.number().int(),
  /** issued − accounted: > 0 cards missing, < 0 more cards accounted than issued; null when issued is not recorded. */
  difference: z.number().int().nullable(),
  balanced: z.boolean(),
});
export type Reconciliation = z.infer<typeof ReconciliationSchema>;

export const BlockerSchema = z.object({
  code: z.enum(['CLOSED', 'CARDS_PENDING', 'CARDS_UNDECIDED', 'VAULT_NOT_RECORDED', 'MISMATCH']),
  message: z.string(),
});
export type Blocker = z.infer<typeof BlockerSchema>;

export const SignoffRoleSchema = z.enum(['operator', 'reviewer']);
export type SignoffRole = z.infer<typeof SignoffRoleSchema>;

export const SignoffSchema = z.object({
  role: SignoffRoleSchema,
  username: z.string(),
  displayName: z.string(),
  userRole: RoleSchema,
  signedAt: z.number(),
  /** The station log head (seq, hash) when signing: binds the report to the log. */
  logSeq: z.number().int(),
  logHash: z.string(),
  /** The signer typed their password again when signing. */
  reauthenticated: z.boolean(),
});
export type Signoff = z.infer<typeof SignoffSchema>;

export const SpoiledCardSchema = z.object({
  cardId: z.number().int(),
  recordId: z.string(),
  maskedPan: z.string(),
  attempt: z.number().int(),
  state: CardStateSchema,
  reason: z.string(),
  decidedBy: z.string().nullable(),
});
export type SpoiledCard = z.infer<typeof SpoiledCardSchema>;

const LogHeadSchema = z.object({ seq: z.number().int(), hash: z.string() });

export const BatchReportSchema = z.object({
  stationName: z.string(),
  generatedAt: z.number(),
  batchId: z.string(),
  productId: z.string(),
  productName: z.string(),
  issuer: z.string().nullable(),
  state: z.enum(['open', 'held', 'closed']),
  importedAt: z.number(),
  recordCount: z.number().int(),
  counts: CountsSchema,
  reconciliation: ReconciliationSchema,
  /** Why the batch cannot be signed/closed now; empty when it can. */
  blockers: z.array(BlockerSchema),
  vault: z.object({ recordedBy: z.string(), recordedAt: z.number() }).nullable(),
  signoffs: z.array(SignoffSchema),
  closedAt: z.number().nullable(),
  /** passed / (passed + spoiled), null when no card was processed. */
  yield: z.number().nullable(),
  spoiledCards: z.array(SpoiledCardSchema),
  logHead: LogHeadSchema,
});
export type BatchReport = z.infer<typeof BatchReportSchema>;

export const OperatorCountsSchema = z.object({
  username: z.string(),
  /** Cards finished in the window on runs this user started. */
  passed: z.number().int(),
  spoiled: z.number().int(),
  /** Reject/rework decisions this user made. */
  decisions: z.number().int(),
  vaultEntries: z.number().int(),
  signoffs: z.number().int(),
});
export type OperatorCounts = z.infer<typeof OperatorCountsSchema>;

export const VaultFigureSchema = z.enum(['issued', 'samples', 'returned']);
export type VaultFigureName = z.infer<typeof VaultFigureSchema>;

export const ShiftReportSchema = z.object({
  stationName: z.string(),
  generatedAt: z.number(),
  from: z.number(),
  to: z.number(),
  reconciliation: ReconciliationSchema,
  batches: z.array(
    z.object({ batchId: z.string(), productId: z.string(), productName: z.string(), state: z.enum(['open', 'held', 'closed']), reconciliation: ReconciliationSchema, signoffs: z.array(SignoffSchema) }),
  ),
  operators: z.array(OperatorCountsSchema),
  /** Batches of the shift whose vault figures are not recorded: the total has no such figure and cannot balance. */
  missingFigures: z.array(z.object({ batchId: z.string(), figures: z.array(VaultFigureSchema) })),
  yield: z.number().nullable(),
  logHead: LogHeadSchema,
});
export type ShiftReport = z.infer<typeof ShiftReportSchema>;

export const ChartsSchema = z.object({
  from: z.number(),
  to: z.number(),
  yield: z.object({ passed: z.number().int(), processed: z.number().int(), ratio: z.number().nullable() }),
  rejectReasons: z.array(ReasonCountSchema),
  throughput: z.object({ bucketMs: z.number().int(), buckets: z.array(z.object({ start: z.number(), passed: z.number().int(), spoiled: z.number().int() })) }),
});
export type Charts = z.infer<typeof ChartsSchema>;

export const DowntimeSchema = z.object({ from: z.number(), to: z.number(), ongoing: z.boolean(), message: z.string() });
export const DeviceHistorySchema = z.object({
  from: z.number(),
  to: z.number(),
  devices: z.array(
    z.object({
      deviceId: z.string(),
      name: z.string(),
      faults: z.number().int(),
      downtimeMs: z.number().int(),
      intervals: z.array(DowntimeSchema),
    }),
  ),
});
export type DeviceHistory = z.infer<typeof DeviceHistorySchema>;

export const ExportSchema = z.object({
  fileName: z.string(),
  mime: z.string(),
  /** The file's bytes (PDF or CSV). */
  base64: z.string(),
  /** The CSV text itself for a CSV export, null for a PDF. */
  text: z.string().nullable(),
});
export type ExportFile = z.infer<typeof ExportSchema>;

export const REPORTS_CALLS = {
  'reports.batch': { input: z.object({ batchId: id }).strict(), output: BatchReportSchema },
  'reports.shift': { input: window(7), output: ShiftReportSchema },
  'reports.charts': {
    input: z
      .object({ from: ts, to: ts, bucketMinutes: z.number().int().min(1).max(1440).default(10), batchId: id.optional() })
      .strict()
      .refine((w) => w.to > w.from, { message: '"to" must be after "from"', path: ['to'] })
      .refine((w) => w.to - w.from <= 31 * DAY, { message: 'the range may span at most 31 days', path: ['to'] }),
    output: ChartsSchema,
  },
  'reports.deviceHistory': { input: window(31), output: DeviceHistorySchema },
  'reports.vault': {
    input: z
      .object({ batchId: id, issuedFromVault: count.optional(), samples: count.optional(), returnedToVault: count.optional(), reason })
      .strict()
      .refine((v) => v.issuedFromVault != null || v.samples != null || v.returnedToVault != null, { message: 'give at least one vault figure', path: ['issuedFromVault'] }),
    output: BatchReportSchema,
  },
  'reports.signoff': {
    input: z.object({ batchId: id, role: SignoffRoleSchema, password: z.string().min(1).max(256).optional() }).strict(),
    output: BatchReportSchema,
  },
  'reports.export': {
    input: z
      .object({ batchId: id.optional(), shift: window(7).optional(), format: z.enum(['pdf', 'csv']) })
      .strict()
      .refine((v) => (v.batchId == null) !== (v.shift == null), { message: 'give either batchId or shift', path: ['batchId'] }),
    output: ExportSchema,
  },
} as const satisfies CallTable;

export const REPORTS_EVENTS = {
  /** A batch's report changed (vault figures, sign-off, closing): screens showing it reload. */
  'reports.changed': z.object({ batchId: z.string(), state: z.enum(['open', 'held', 'closed']), signoffs: z.number().int() }),
} as const satisfies EventTable;
