import { z } from 'zod';
import type { CallTable, EventTable } from '../common';
import { id } from '../common';

// The keys part of the contract (merged into CALLS/EVENTS in ../channels.ts): key metadata and
// the dual-control key ceremony. Nothing here can carry key material back out: a key is listed
// by its KCV, a component is answered by its KCV only.

const KeyAlgorithmSchema = z.enum(['AES', 'DES3']);

export const KeyInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  algorithm: KeyAlgorithmSchema,
  /** Bytes. */
  length: z.number().int(),
  kcv: z.string(),
  test: z.boolean(),
  origin: z.enum(['ceremony', 'test-import']),
  components: z.number().int(),
  custodians: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.number(),
  /** software: sealed in the station database; hsm: a token object in the PKCS#11 key store. */
  location: z.enum(['software', 'hsm']),
});
export type KeyInfoDto = z.infer<typeof KeyInfoSchema>;

export const CeremonyStatusSchema = z.object({
  ceremonyId: z.string(),
  keyId: z.string(),
  algorithm: KeyAlgorithmSchema,
  length: z.number().int(),
  components: z.number().int(),
  remaining: z.number().int(),
  entered: z.array(z.object({ index: z.number().int(), custodian: z.string(), kcv: z.string() })),
  startedBy: z.string(),
  startedAt: z.number(),
});
export type CeremonyStatusDto = z.infer<typeof CeremonyStatusSchema>;

const ceremonyRef = z.object({ ceremonyId: z.string().min(1).max(64) }).strict();

export const KEYS_CALLS = {
  /** Key metadata and KCVs (key.manage). */
  'keys.list': { input: z.object({}).strict(), output: z.array(KeyInfoSchema) },
  /** An administrator opens a ceremony (key.manage); custodians then enter the components. */
  'keys.ceremony.start': {
    input: z
      .object({
        keyId: id,
        label: z.string().trim().min(1).max(80),
        algorithm: KeyAlgorithmSchema,
        /** Bytes: AES 16/24/32, DES3 16/24; default 16. */
        length: z.union([z.literal(16), z.literal(24), z.literal(32)]).optional(),
        components: z.union([z.literal(2), z.literal(3)]),
        test: z.boolean(),
      })
      .strict(),
    output: CeremonyStatusSchema,
  },
  /**
   * The logged-in custodian's component (key.custody), hex (spaces allowed). Answered with its
   * KCV only; the last component completes the key and adds the key's KCV.
   */
  'keys.ceremony.component': {
    input: z.object({
      ceremonyId: z.string().min(1).max(64),
      /** The component as text (CLI, tests). It becomes a string in the station's heap: the screen sends `sealed` instead. */
      componentHex: z.string().min(1, 'enter the component').max(160, 'a component is at most 64 hex digits').optional(),
      /** The component encrypted for the station (keys.ceremony.transportKey): what the Keys screen sends. */
      sealed: z.object({ keyRef: z.string().min(1).max(64), publicKey: z.string().max(200), iv: z.string().max(40), ct: z.string().max(200) }).strict().optional(),
    }).strict(),
    output: z.object({ index: z.number().int(), kcv: z.string(), remaining: z.number().int(), keyKcv: z.string().optional() }),
  },
  /** A one-use station key to encrypt one component for (key.custody); see electron/core/keys/component-transport.ts. */
  'keys.ceremony.transportKey': { input: ceremonyRef, output: z.object({ keyRef: z.string(), publicKey: z.string() }) },
  /** One open ceremony (key.custody: custodians see what they are entering a component for). */
  'keys.ceremony.status': { input: ceremonyRef, output: CeremonyStatusSchema },
  /** Open ceremonies started through this station's API (key.custody). */
  'keys.ceremony.list': { input: z.object({}).strict(), output: z.array(CeremonyStatusSchema) },
  /**
   * Deleting a key needs two administrators (key.manage): the first call asks ('pending'), a
   * second administrator's call deletes ('deleted'); both are in the log with the key's KCV.
   */
  'keys.delete': { input: z.object({ keyId: id }).strict(), output: z.object({ state: z.enum(['pending', 'deleted']) }) },
  /** The HSM user PIN when the key store asks for it at start (keyStore.pin "prompt"); never logged. */
  'keys.hsm.pin': { input: z.object({ pin: z.string().min(4).max(64) }).strict(), output: z.object({ ok: z.literal(true) }) },
  /** Ends an open ceremony and wipes what was entered (key.manage). */
  'keys.ceremony.abort': { input: ceremonyRef, output: z.object({ ok: z.literal(true) }) },
} as const satisfies CallTable;

export const KEYS_EVENTS = {} as const satisfies EventTable;
