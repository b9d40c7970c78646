import { z } from 'zod';
import { luhnValid } from '../domain/pan';
import { FIELD_KEY, FORBIDDEN_KEYS, LIMITS, RECORD_ID } from './limits';

// The batch file's schema with its limits: every object strict (an unknown key is refused, never
// ignored), every string bounded, no control or invisible characters. docs/batch.schema.json is
// generated from these (scripts/batch-schema.ts; tests/unit/core/batch-schema.test.ts keeps them
// equal). What needs context — expiry against the import date, duplicates, the product's rules —
// is checked in validate.ts.
export const BATCH_FORMAT = 'perso-batch/1';
export const BATCH_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** No C0/C1 control, no zero-width, bidi or other invisible format character. */
export const SAFE_TEXT = /^[^\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]*$/;
const UNSAFE_MESSAGE = 'holds a control or invisible character';
const text = (max: number) => z.string().max(max, `is longer than ${max} characters`).regex(SAFE_TEXT, UNSAFE_MESSAGE);

export const BatchHeaderSchema = z
  .object({
    format: z.literal(BATCH_FORMAT),
    batchId: z.string().regex(BATCH_ID, 'must be 1–64 letters, digits, dots, dashes or underscores'),
    productId: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'must be 1–40 letters, digits, dots, dashes or underscores'),
    issuer: text(LIMITS.issuer).optional(),
    createdAt: text(LIMITS.createdAt).optional(),
  })
  .strict();
export type BatchHeader = z.infer<typeof BatchHeaderSchema>;

export const BatchDgiSchema = z
  .object({
    dgi: z.string().regex(/^[0-9A-Fa-f]{4}$/, 'must be 4 hex digits'),
    data: z
      .string()
      .max(2 * LIMITS.dgiBytes, `is longer than ${LIMITS.dgiBytes} bytes`)
      .regex(/^([0-9A-Fa-f]{2})*$/, 'must be hex with an even number of digits'),
    encrypted: z.boolean().default(false),
  })
  .strict();

const fieldKey = z
  .string()
  .regex(FIELD_KEY, `must be a letter then up to ${LIMITS.fieldKey - 1} letters, digits or underscores`)
  .refine((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved name');

export const BatchRecordSchema = z
  .object({
    recordId: z.string().min(1, 'is required').max(LIMITS.recordId, `is longer than ${LIMITS.recordId} characters`).regex(RECORD_ID, 'must be visible ASCII characters only (no spaces, no look-alike letters)'),
    pan: z
      .string()
      .regex(/^\d{12,19}$/, 'must be 12 to 19 digits')
      .refine(luhnValid, 'fails the Luhn check digit')
      .refine((p) => !/^0+$/.test(p), 'is all zeros'),
    /** YYMM; not in the past at import (validate.ts). */
    expiry: z.string().regex(/^\d{2}(0[1-9]|1[0-2])$/, 'must be YYMM with a month from 01 to 12'),
    serviceCode: z.string().regex(/^\d{3}$/, 'must be 3 digits').optional(),
    name: z.string().min(2, 'is too short').max(LIMITS.name, `is longer than ${LIMITS.name} characters`).regex(SAFE_TEXT, UNSAFE_MESSAGE),
    embossName: text(LIMITS.embossName).optional(),
    fields: z
      .record(fieldKey, text(LIMITS.fieldValue))
      .refine((f) => Object.keys(f).length <= LIMITS.fieldKeys, `has more than ${LIMITS.fieldKeys} fields`)
      .optional(),
    track1Discretionary: text(LIMITS.track1Discretionary).optional(),
    track2Discretionary: text(LIMITS.track2Discretionary).optional(),
    cvv2: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits').optional(),
    dgis: z.array(BatchDgiSchema).max(LIMITS.dgis, `has more than ${LIMITS.dgis} DGIs`).optional(),
    graphic: text(LIMITS.graphic).optional(),
  })
  .strict();

export const BatchFileSchema = BatchHeaderSchema.extend({
  records: z.array(BatchRecordSchema).min(1).max(LIMITS.records),
}).strict();
export type BatchFile = z.infer<typeof BatchFileSchema>;
