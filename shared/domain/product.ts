import { z } from 'zod';
import { ChipProfileSchema } from '../chip/profile';
import { MagstripeProfileSchema } from '../magstripe/profile';
import { LayoutTemplateSchema } from '../layout/template';

export const STEP_KINDS = ['chip', 'magstripe', 'emboss', 'laser'] as const;
export const StepKindSchema = z.enum(STEP_KINDS);
export type StepKind = z.infer<typeof StepKindSchema>;

// A product is a card profile: which steps apply, in which order (data, not code), and the
// settings of each.
export const ProductSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'must be 1–40 letters, digits, dots, dashes or underscores'),
    name: z.string().min(1).max(80),
    /** Test products may use the GlobalPlatform test keys; production products never. */
    test: z.boolean().default(false),
    steps: z.array(StepKindSchema).min(1, 'needs at least one step'),
    chip: ChipProfileSchema.optional(),
    magstripe: MagstripeProfileSchema.optional(),
    layout: LayoutTemplateSchema.optional(),
    /** How many times a failed step is retried on the same card, per step kind. */
    retries: z.partialRecord(StepKindSchema, z.number().int().min(0).max(3)).default({}),
    /** Consecutive cards failing with the same reason that pause the line (a device problem, not a card one). 0 = never; default: the station's (3). */
    pauseAfterFailures: z.number().int().min(0).max(100).optional(),
    /** Record fields hidden from data views (besides the always-secret ones). */
    secureFields: z.array(z.string()).default([]),
    /** A batch may hold the same card number twice (replacement cards); refused otherwise. */
    allowDuplicatePans: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((s, i) => {
      if (seen.has(s)) ctx.addIssue({ code: 'custom', path: ['steps', i], message: `step "${s}" appears twice` });
      seen.add(s);
    });
    if (p.steps.includes('chip') && !p.chip) ctx.addIssue({ code: 'custom', path: ['chip'], message: 'is required because steps include chip' });
    if (p.steps.includes('magstripe') && !p.magstripe) ctx.addIssue({ code: 'custom', path: ['magstripe'], message: 'is required because steps include magstripe' });
    if ((p.steps.includes('emboss') || p.steps.includes('laser')) && !p.layout)
      ctx.addIssue({ code: 'custom', path: ['layout'], message: 'is required because steps include emboss or laser' });
  });
export type Product = z.infer<typeof ProductSchema>;
export type ProductInput = z.input<typeof ProductSchema>;
