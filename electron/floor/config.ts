import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

// floor.json: where the floor's database is and how the service runs. Paths are relative to the
// file. `ownerUrl` (the database's owner) is used only by `floor migrate`; the service logs in
// with `url`, a member of floor_service. The record key is a file of the service's, never in
// the database.
const FloorConfigSchema = z
  .object({
    database: z.object({ url: z.string().min(1), ownerUrl: z.string().min(1).optional() }).strict(),
    recordKey: z.string().min(1).default('floor-record.key'),
    products: z.array(z.string().min(1)).default([]),
    sweepSeconds: z.number().int().min(1).max(600).default(5),
  })
  .strict();

export type FloorConfig = z.infer<typeof FloorConfigSchema> & { path: string };

export function loadFloorConfig(path: string): FloorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`floor config ${path} cannot be read as JSON (${(e as Error).message})`);
  }
  const r = FloorConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`floor config ${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`).join('; ')}`);
  const dir = dirname(resolve(path));
  return { ...r.data, recordKey: resolve(dir, r.data.recordKey), products: r.data.products.map((p) => resolve(dir, p)), path: resolve(path) };
}
