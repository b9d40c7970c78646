import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../electron/core/config';
import { Station } from '../../../electron/core/station';
import { createHandlers, type Handlers, type Connection } from '../../../electron/core/api/handlers';
import { createAuthPort } from '../../../electron/core/api/auth-port';
import { dispatch } from '../../../electron/core/api/dispatch';
import { ManualTransport } from '../../../electron/core/manual/manual-transport';
import { StatusHolder, type Device } from '../../../electron/devices/device';
import type { StepModule, StepContext, StepOutcome } from '../../../electron/core/engine/step';
import type { StepKind } from '../../../shared/domain/product';
import { demoProduct, demoRecords, DEMO_KEY_ID } from '../../../electron/cli/demo';
import { GP_TEST_KEY } from '../../../electron/devices/chip/dataprep';
import { tempDir } from '../../support/core-fixture';

// A desktop workstation for the manual-mode tests: no transport machine, no simulators; a fake
// chip reader that senses the card the test "puts" in it, and fake encoder and laser modules.

/** A reader the test inserts cards into; it tells the manual transport when a card is there. */
export class FakeReader implements Device {
  readonly kind = 'reader' as const;
  private present = false;
  private waiters = new Set<() => void>();
  private readonly holder: StatusHolder;
  constructor(readonly id: string) {
    this.holder = new StatusHolder(id, 'reader', `Chip head ${id}`);
  }
  get hasCard(): boolean {
    return this.present;
  }
  insert(): void {
    this.present = true;
    this.kick();
  }
  remove(): void {
    this.present = false;
    this.kick();
  }
  private kick(): void {
    for (const w of [...this.waiters]) w();
  }
  private until(ok: () => boolean, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const check = () => {
        if (!ok()) return;
        this.waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(check);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(check);
      check();
    });
  }
  waitForCard(o: { signal?: AbortSignal }): Promise<void> {
    return this.until(() => this.present, o.signal);
  }
  waitForCardRemoved(o: { signal?: AbortSignal }): Promise<void> {
    return this.until(() => !this.present, o.signal);
  }
  status() {
    return this.holder.get();
  }
  onStatus(cb: Parameters<StatusHolder['on']>[0]) {
    return this.holder.on(cb);
  }
  async start() {
    this.holder.set('online', 'Ready');
  }
  async close() {
    this.holder.set('offline', 'closed');
  }
}

export interface ManualStation {
  station: Station;
  handlers: Handlers;
  transport: ManualTransport;
  reader: FakeReader;
  /** Every step run, as "R000001 chip" (with the reader's card presence for the chip step). */
  runs: string[];
  call(name: string, input: unknown, who?: Connection): Promise<unknown>;
  operator: Connection;
  supervisor: Connection;
  close(): Promise<void>;
}

function fakeModule(kind: StepKind, deviceId: string, runs: string[], fail: (kind: StepKind, ctx: StepContext) => StepOutcome | null, sensed?: FakeReader): StepModule {
  return {
    kind, slots: 1, deviceIds: [deviceId],
    async run(ctx) {
      runs.push(`${ctx.record.recordId} ${kind}${sensed ? (sensed.hasCard ? ' (card in reader)' : ' (NO CARD)') : ''}`);
      await new Promise((r) => setTimeout(r, 2));
      return fail(kind, ctx) ?? { ok: true };
    },
  };
}

export async function openManualStation(o: { cards: number; steps?: StepKind[]; fail?: (kind: StepKind, ctx: StepContext) => StepOutcome | null }): Promise<ManualStation> {
  const dir = tempDir('manual');
  mkdirSync(join(dir, 'products'));
  const steps = o.steps ?? ['chip', 'magstripe', 'laser'];
  // A desk has no embosser: the product keeps only the layout its steps make, so it passes the real
  // product and record checks (the import worker loads products with them, whatever checks this
  // station was opened with), and a chip product's records carry their DGIs.
  const demo = demoProduct();
  const makes = (t: string) => (t === 'laserText' || t === 'laserGraphic') && steps.includes('laser');
  const layout = { ...demo.layout, front: (demo.layout?.front ?? []).filter((e) => makes(e.type)), back: (demo.layout?.back ?? []).filter((e) => makes(e.type)) };
  const product = { ...demo, steps, layout };
  writeFileSync(join(dir, 'products', 'p.json'), JSON.stringify(product));
  const configPath = join(dir, 'station.json');
  writeFileSync(configPath, JSON.stringify({ stationName: 'Desk', dataDir: 'data', products: ['products/p.json'], durability: 'normal', devices: { pcsc: 'sim', readers: [] } }));
  const reader = new FakeReader('chip-0');
  const runs: string[] = [];
  const fail = o.fail ?? (() => null);
  let transport!: ManualTransport;
  const station = await Station.open({
    config: loadConfig(configPath),
    checks: { product: () => [], record: () => [] },
    origin: 'test',
    devices: async () => {
      const devices: Device[] = [reader];
      const modules: Partial<Record<StepKind, StepModule>> = {
        chip: fakeModule('chip', 'chip-0', runs, fail, reader),
        magstripe: fakeModule('magstripe', 'encoder', runs, fail),
        laser: fakeModule('laser', 'laser', runs, fail),
      };
      transport = new ManualTransport({ modules, devices });
      return { devices, modules, transport, close: async () => undefined };
    },
  });
  const admin = { username: 'admin', role: 'administrator' as const, origin: 'test' };
  const pw = 'manual-test-pass-7x';
  station.auth.bootstrapAdmin({ username: 'admin', displayName: 'Admin', password: pw }, 'test');
  station.auth.createUser({ username: 'op', displayName: 'Operator', role: 'operator', password: pw }, admin);
  station.auth.createUser({ username: 'sup', displayName: 'Supervisor', role: 'supervisor', password: pw }, admin);
  // The demo product's chip key: the engine refuses to start a chip product whose key is not loaded.
  station.keys.importTestKey({ keyId: DEMO_KEY_ID, label: 'demo key', algorithm: 'AES', hex: GP_TEST_KEY.toString('hex'), test: true }, admin);
  const handlers = createHandlers(station, createAuthPort(station.auth), () => undefined);
  const operator: Connection = { id: 'op', origin: 'ui:op', sessionId: null };
  const supervisor: Connection = { id: 'sup', origin: 'ui:sup', sessionId: null };
  handlers['session.login']({ username: 'op', password: pw }, operator);
  handlers['session.login']({ username: 'sup', password: pw }, supervisor);
  const call = async (name: string, input: unknown, who = operator) => {
    const r = await dispatch(handlers, name, input, who);
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
    return r.value;
  };
  const batch = { format: 'perso-batch/1', batchId: 'M-1', productId: product.id, records: demoRecords(o.cards, steps.includes('chip') ? randomBytes(16) : null) };
  await call('batches.import', { fileName: 'm.json', content: JSON.stringify(batch) });
  return { station, handlers, transport, reader, runs, call, operator, supervisor, close: () => station.close() };
}
