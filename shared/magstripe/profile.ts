import { z } from 'zod';

// The magnetic-stripe section of a product. Owned by the magstripe work (issue 4).
export const MagstripeProfileSchema = z.object({
  tracks: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).min(1).default([1, 2]),
  coercivity: z.enum(['hi', 'lo']).default('hi'),
  /** Service code used when a record has none. */
  defaultServiceCode: z.string().regex(/^\d{3}$/).default('201'),
});
export type MagstripeProfile = z.infer<typeof MagstripeProfileSchema>;
