import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError, type Problem } from '../../shared/domain/problems';
import { LaserJigSchema } from '../../shared/layout/jig';

// The station config (station.json), documented in the README. Paths are relative to the
// config file. A device path starting with "sim:" is an in-process emulator on a memory cable;
// any other path is a real serial port (a device, or a socat pty).
const SerialDevice = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  path: z.string().min(1),
  baudRate: z.number().int().positive(),
}).strict();

/** The laser: a serial device plus its progress watchdog (see docs/laser.md). */
const LaserDevice = SerialDevice.extend({
  /** A job whose position has not changed for this long is a stalled controller. */
  stallSeconds: z.number().min(1).max(600).default(15),
  /** Where the card sits under the laser (offset, rotation, mirror) and the G54 it was measured with. */
  jig: LaserJigSchema.default({ offsetMm: { x: 0, y: 0 }, rotationDeg: 0, mirror: 'none', g54Mm: { x: 0, y: 0 } }),
}).strict();

const Reader = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  /** Matched against PC/SC reader names as a substring, e.g. "Virtual PCD 00 00" or "OMNIKEY". */
  name: z.string().min(1),
}).strict();

/** Where the secure-channel master keys live (docs/hsm.md). Never the PIN itself: a 0600 file, an environment variable, or asked on the Keys screen. */
const KeyStore = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('software'),
    /** A product not marked test may use the software store only when this is set (banner and log entry at every start). */
    allowProduction: z.boolean().default(false),
  }).strict(),
  z.object({
    kind: z.literal('pkcs11'),
    /** The HSM vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so or p11-kit-client.so. */
    module: z.string().min(1),
    tokenLabel: z.string().min(1).max(32).optional(),
    slot: z.number().int().min(0).optional(),
    pin: z.union([z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }).strict(), z.literal('prompt')]),
  }).strict().refine((k) => k.tokenLabel != null || k.slot != null, { message: 'give the token label or the slot' }),
]);
export type KeyStoreConfig = z.infer<typeof KeyStore>;

export const StationConfigSchema = z.object({
  stationName: z.string().min(1).max(60).default('Perso Station'),
  dataDir: z.string().min(1),
  products: z.array(z.string().min(1)).min(1),
  /** "full": every card state change is fsynced (power-cut safe). "normal": crash safe only. */
  durability: z.enum(['full', 'normal']).default('full'),
  devices: z.object({
    /** "pcsclite" talks to the real PC/SC service; "sim" uses in-process virtual readers. */
    pcsc: z.enum(['pcsclite', 'sim']).default('pcsclite'),
    readers: z.array(Reader).default([]),
    encoder: SerialDevice.nullable().default(null),
    machine: SerialDevice.nullable().default(null),
    laser: LaserDevice.nullable().default(null),
  }).strict(),
  /** Runs the device simulators inside the station (demo, training, tests). */
  simulation: z.object({
    /** 0 = as fast as possible; 1 = real module times. */
    timeScale: z.number().min(0).max(10).default(0),
    /** Insert virtual cards through pcscd's vpcd (ports 35963+i) instead of in-process readers. */
    vpcd: z.boolean().default(false),
    /** The simulated issuer's secrets (blank-card keys, issuer DEK): file relative to the config. */
    issuerFile: z.string().min(1),
  }).strict().optional(),
  keyStore: KeyStore.default({ kind: 'software', allowProduction: false }),
  security: z.object({
    idleMinutes: z.number().min(1).max(240).default(15),
    maxFailedLogins: z.number().int().min(3).max(20).default(5),
    lockoutMinutes: z.number().min(1).max(1440).default(15),
    /** Log retention (PCI CP: at least one year, three months of it online). */
    logOnlineDays: z.number().int().min(90).default(90),
    logKeepDays: z.number().int().min(365).default(365),
  }).strict().default({ idleMinutes: 15, maxFailedLogins: 5, lockoutMinutes: 15, logOnlineDays: 90, logKeepDays: 365 }),
}).strict();
export type StationConfig = z.infer<typeof StationConfigSchema>;

export interface LoadedConfig extends StationConfig {
  /** Absolute path of the config file and resolved absolute paths. */
  configPath: string;
  dataDirAbs: string;
  productPaths: string[];
  issuerFileAbs: string | null;
  /** The PIN file of a pkcs11 key store, resolved. */
  pinFileAbs: string | null;
}

export function parseConfig(text: string, configPath: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`station config ${configPath}`, [{ record: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` }]);
  }
  const r = StationConfigSchema.safeParse(raw);
  if (!r.success) {
    const problems: Problem[] = r.error.issues.map((i) => ({ record: null, field: i.path.join('.') || '(config)', message: i.message }));
    throw new ValidationError(`station config ${configPath}`, problems);
  }
  const base = dirname(resolve(configPath));
  const c = r.data;
  return {
    ...c,
    configPath: resolve(configPath),
    dataDirAbs: resolve(base, c.dataDir),
    productPaths: c.products.map((p) => resolve(base, p)),
    issuerFileAbs: c.simulation ? resolve(base, c.simulation.issuerFile) : null,
    pinFileAbs: c.keyStore.kind === 'pkcs11' && typeof c.keyStore.pin === 'object' && 'file' in c.keyStore.pin ? resolve(base, c.keyStore.pin.file) : null,
  };
}

export function loadConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the station config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfig(text, path);
}
