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
  diversification: z.enum(['none', 'emv', 'visa2']).default('none'),
  /** Key version number used in INITIALIZE UPDATE (0 = card default). */
  keyVersion: z.number().int().min(0).max(255).default(0),
  /** Id of the master key in the key store. */
  keyId: z.string().min(1),
  /** Expected ATR, hex, and its mask (same length; 1 bits are compared). */
  atr: z.object({ value: z.string().regex(/^[0-9A-Fa-f]+$/), mask: z.string().regex(/^[0-9A-Fa-f]+$/).optional() }),
});
export type ChipProfile = z.infer<typeof ChipProfileSchema>;
