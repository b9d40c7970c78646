import { z } from 'zod';
import { luhnValid } from './pan';

// One card record of an issuer's batch. Fields marked secret are purged from the store once
// the card is done and never reach a log, an error or the renderer.
export const HEX = /^([0-9A-Fa-f]{2})*$/;

export const DgiSchema = z.object({
  /** DGI tag, 4 hex digits, e.g. "0101". */
  dgi: z.string().regex(/^[0-9A-Fa-f]{4}$/, 'must be 4 hex digits'),
  /** DGI value as hex. For encrypted DGIs this is the issuer's ciphertext, forwarded as is. */
  data: z.string().regex(HEX, 'must be hex with an even number of digits'),
  /** The issuer encrypted this DGI (keys, PIN data): the station forwards it untouched. */
  encrypted: z.boolean().default(false),
});
export type Dgi = z.infer<typeof DgiSchema>;

export const CardRecordSchema = z.object({
  recordId: z.string().min(1, 'is required').max(40, 'is longer than 40 characters'),
  pan: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits').refine(luhnValid, 'fails the Luhn check digit'),
  /** YYMM */
  expiry: z.string().regex(/^\d{2}(0[1-9]|1[0-2])$/, 'must be YYMM with a month from 01 to 12'),
  serviceCode: z.string().regex(/^\d{3}$/, 'must be 3 digits').optional(),
  /** Cardholder name in stripe form, SURNAME/GIVEN. */
  name: z.string().min(2, 'is too short').max(26, 'is longer than 26 characters'),
  /** Name as embossed or engraved, e.g. "JOHN A DOE". Defaults from `name`. */
  embossName: z.string().max(27).optional(),
  /** Extra fields a layout template may bind (company name, member number, …). */
  fields: z.record(z.string(), z.string()).optional(),
  /** Secret: track discretionary data. */
  track1Discretionary: z.string().max(79).optional(),
  track2Discretionary: z.string().max(40).optional(),
  /** Secret: CVV2/CVC2, indent-printed on the signature panel. */
  cvv2: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits').optional(),
  /** Secret: chip personalization data in DGI form. */
  dgis: z.array(DgiSchema).optional(),
  /** Laser graphic bound to the record (e.g. a photo), as a 1-bit image: see shared/layout. */
  graphic: z.string().max(200_000).optional(),
});
export type CardRecord = z.infer<typeof CardRecordSchema>;

/** Names of the record fields that hold secrets. */
export const SECRET_RECORD_FIELDS = ['track1Discretionary', 'track2Discretionary', 'cvv2', 'dgis'] as const;

export function defaultEmbossName(r: Pick<CardRecord, 'name' | 'embossName'>): string {
  if (r.embossName) return r.embossName;
  const [surname, given] = r.name.split('/');
  return (given ? `${given.trim()} ${surname.trim()}` : r.name).trim();
}
