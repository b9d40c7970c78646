import { z } from 'zod';

// The chip section of a product: which security domain, which secure channel, which keys.
// Owned by the chip work (issue 3).
export const ChipProfileSchema = z.object({
  /** AID of the security domain to select (hex). */
  securityDomainAid: z.string().regex(/^[0-9A-Fa-f]{10,32}$/),
  /** AID of the application instance that receives the data (hex). */
  applicationAid: z.string().regex(/^[0-9A-Fa-f]{10,32}$/),
  scp: z.enum(['SCP02', 'SCP03']),
  securityLevel: z.enum(['CMAC', 'CMAC_CDEC']).default('CMAC'),
  /**
   * How the card's static keys come from the master key (KMC) and the card's diversification
   * data: none (the KMC is the card key), emv (EMV CPS), visa2, or kdf3 (SP 800-108, AES only).
   */
  diversification: z.enum(['none', 'emv', 'visa2', 'kdf3']).default('none'),
  /** Key version number used in INITIALIZE UPDATE (0 = card default). */
  keyVersion: z.number().int().min(0).max(255).default(0),
  /** Id of the master key in the key store. */
  keyId: z.string().min(1),
  /** Expected ATR, hex, and its mask (same length; 1 bits are compared). */
  atr: z.object({ value: z.string().regex(/^[0-9A-Fa-f]+$/), mask: z.string().regex(/^[0-9A-Fa-f]+$/).optional() }),
  /**
   * Where the data preparation put the PAN (5A) and expiry (5F24) for the read-back check:
   * the record read with READ RECORD (EMV CPS: DGI SSRR is record RR of file SFI SS).
   */
  readBack: z.object({ sfi: z.number().int().min(1).max(30), record: z.number().int().min(1).max(255) }).default({ sfi: 1, record: 1 }),
  /** Application life cycle state expected after personalization (GET STATUS). */
  personalizedLifecycle: z.number().int().min(0).max(255).default(0x0f),
  /** Checked at batch import: the DGI tags this application takes, and the longest DGI (bytes). */
  dgis: z.object({ allowed: z.array(z.string().regex(/^[0-9A-Fa-f]{4}$/)).optional(), maxBytes: z.number().int().min(1).max(65535).optional() }).strict().optional(),
});
export type ChipProfile = z.infer<typeof ChipProfileSchema>;
