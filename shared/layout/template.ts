import { z } from 'zod';

// The card layout template of a product. Owned by the layout work (issue 5); this first cut
// only carries what the foundation needs.
export const LayoutTemplateSchema = z.object({
  front: z.array(z.record(z.string(), z.unknown())).default([]),
  back: z.array(z.record(z.string(), z.unknown())).default([]),
});
export type LayoutTemplate = z.infer<typeof LayoutTemplateSchema>;
