import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

// floor.json: where the floor's database is and how the service runs. Paths are relative to the
// file. `ownerUrl` (the database's owner) is used only by `floor migrate`; the service logs in
// with `url`, a member of floor_service. The record key is a file of the service's, never in
// the database.
const FloorConfigSchema = z
  .object({
    database: z
      .object({
        url: z.string().min(1),
        ownerUrl: z.string().min(1).optional(),
        // TLS to the database: the CA that signed its certificate (verified, with its name), and
        // this process's own certificate and key where the database asks for one.
        ssl: z.object({ ca: z.string().min(1), cert: z.string().min(1).optional(), key: z.string().min(1).optional() }).strict().optional(),
      })
      .strict(),
    recordKey: z.string().min(1).default('floor-record.key'),
    products: z.array(z.string().min(1)).default([]),
    sweepSeconds: z.number().int().min(1).max(600).default(5),
  })
  .strict();

export type FloorConfig = z.infer<typeof FloorConfigSchema> & { path: string };

/** node-postgres's `ssl` option for the config's database.ssl (files read now); undefined without. */
export function floorSsl(cfg: FloorConfig): { ca: string; cert?: string; key?: string; rejectUnauthorized: true } | undefined {
  const s = cfg.database.ssl;
  if (!s) return undefined;
  const read = (what: string, p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (e) {
      throw new Error(`floor config ${cfg.path}: database.ssl.${what} ${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  return { ca: read('ca', s.ca), ...(s.cert ? { cert: read('cert', s.cert) } : {}), ...(s.key ? { key: read('key', s.key) } : {}), rejectUnauthorized: true };
}

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
  const ssl = r.data.database.ssl;
  const database = ssl
    ? { ...r.data.database, ssl: { ca: resolve(dir, ssl.ca), ...(ssl.cert ? { cert: resolve(dir, ssl.cert) } : {}), ...(ssl.key ? { key: resolve(dir, ssl.key) } : {}) } }
    : r.data.database;
  return { ...r.data, database, recordKey: resolve(dir, r.data.recordKey), products: r.data.products.map((p) => resolve(dir, p)), path: resolve(path) };
}
