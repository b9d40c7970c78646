import { readFileSync } from 'node:fs';
import { z } from 'zod';

// The simulated issuer and card vendor, for the demo and tests only: the master key loaded into
// the blank card stock (the station holds the same one in its key store), the issuer DEK the
// chip vendor put in the stock (the station never holds it), and which blank cards are
// defective. A real line has none of this file.
export const SimIssuerSchema = z.object({
  note: z.string().optional(),
  defectiveSerials: z.array(z.number().int()).default([]),
  chip: z
    .object({
      masterKeyHex: z.string().regex(/^[0-9A-Fa-f]{32,64}$/),
      keyAlgorithm: z.enum(['AES', 'DES3']),
      scp: z.enum(['SCP02', 'SCP03']),
      diversification: z.enum(['none', 'emv', 'visa2', 'kdf3']),
      issuerDekHex: z.string().regex(/^[0-9A-Fa-f]{32}$/),
      /** Seconds a whole personalization takes on this card stock (0 = instant). */
      cardSeconds: z.number().min(0).default(0),
    })
    .optional(),
});
export type SimIssuer = z.infer<typeof SimIssuerSchema>;

export function readSimIssuer(path: string | null): SimIssuer {
  if (!path) return { defectiveSerials: [] };
  try {
    return SimIssuerSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new Error(`cannot read the simulation's issuer file ${path}: ${(e as Error).message}`);
  }
}
