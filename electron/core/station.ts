import type { Product } from '../../shared/domain/product';
import { join } from 'node:path';
import { openDatabase, type Db } from './store/db';
import { lockDataDir } from './store/data-lock';
import { securePermissions, type PermissionRepair } from './store/data-perms';
import { guardOf, type StoreFaultError } from './store/store-guard';
import { migrate } from './store/migrate';
import { CORE_MIGRATIONS } from './store/core-migrations';
import { CardStore, toCardRow } from './store/card-store';
import { RecordVault } from './store/record-vault';
import { AuditLog } from './audit/log';
import { AuthService } from './auth';
import { SoftwareKeyStore } from './keys';
import type { AuditEntryInput } from './audit/types';
import { ProductRegistry, type ProductChecks } from './products';
import { Engine, type EngineEvent } from './engine/engine';
import { keyRefusal } from './engine/key-check';
import { StationEvents } from './events';
import { DeviceLogPolicy, DEVICE_STARTUP_GRACE_MS } from './device-log';
import { recoverInterrupted, type RecoveredCard } from './recovery';
import type { LoadedConfig } from './config';
import type { DeviceFactory, DeviceSet } from './device-set';
import type { LogEntry } from '../../shared/contract/dto';
import { engineNote } from '../../shared/domain/status-notes';

// The station core: the config, the store, the log, the products, the devices and the engine,
// composed in plain Node. The Electron main process, the CLI and the browser bridge are thin
// adapters over it.
export interface StationOptions {
  config: LoadedConfig;
  devices: DeviceFactory;
  checks: ProductChecks;
  /** Who started it, for the restart entry in the log: 'electron', 'cli', 'bridge'. */
  origin: string;
}

export class Station {
  readonly events = new StationEvents();
  readonly db: Db;
  readonly audit: AuditLog;
  readonly store: CardStore;
  readonly products: ProductRegistry;
  readonly engine: Engine;
  readonly recovered: RecoveredCard[];
  readonly auth: AuthService;
  private retentionTimer: NodeJS.Timeout | null = null;
  private deviceGraceTimer: NodeJS.Timeout | null = null;
  private readonly deviceLog = new DeviceLogPolicy();
  /** Log entries that could not be written while the store had a fault (a full disk), oldest first. */
  private held: AuditEntryInput[] = [];
  private heldDropped = 0;
  private unlock: () => void = () => undefined;
  /** Why a product cannot run on this station's keys (checked at import and at Start), or null. */
  productRefusal(p: Product): string | null {
    return keyRefusal(p, this.keys);
  }
  private constructor(
    readonly config: LoadedConfig,
    db: Db,
    audit: AuditLog,
    store: CardStore,
    products: ProductRegistry,
    readonly deviceSet: DeviceSet,
    readonly origin: string,
    readonly keys: SoftwareKeyStore,
  ) {
    this.db = db;
    this.audit = audit;
    this.store = store;
    this.products = products;
    const sec = config.security;
    this.auth = new AuthService(db, audit, { idleMs: sec.idleMinutes * 60_000, maxFailures: sec.maxFailedLogins, lockoutMs: sec.lockoutMinutes * 60_000 });
    this.engine = new Engine({
      store,
      modules: deviceSet.modules,
      transport: deviceSet.transport,
      product: (id) => products.get(id),
      refuseProduct: (p) => this.productRefusal(p),
      deviceReady: (id) => {
        const d = deviceSet.devices.find((x) => x.id === id);
        return !d || d.status().state === 'online' || d.status().state === 'busy';
      },
      log: (e) => this.logEngine(e),
      onCard: (row) => this.events.emit('card.updated', row),
      onStatus: (s) => this.events.emit('engine.status', s),
    });
    audit.onAppend((entries) => {
      for (const e of entries) this.events.emit('log.appended', toLogEntry(e));
      // After each card outcome: pause the line while there is still room to finish the cards in flight.
      if (entries.some((e) => e.type === 'card.passed' || e.type === 'card.failed')) queueMicrotask(() => guardOf(db)?.checkSpace());
    });
    guardOf(db)?.onChange((f) => this.storeFaultChanged(f));
    for (const d of deviceSet.devices) {
      d.onStatus((s) => {
        this.events.emit('device.status', s);
        const entry = this.deviceLog.entryFor(s);
        if (entry) this.log(entry);
      });
    }
    this.recovered = recoverInterrupted(store, (e) => this.log(e));
    // Cards of an interrupted run may still be in the machine: the engine refuses to feed until the path is cleared.
    this.engine.refreshPath();
  }

  static async open(opts: StationOptions): Promise<Station> {
    const { config } = opts;
    const unlock = lockDataDir(config.dataDirAbs);
    let db: Db;
    let repairs: PermissionRepair[];
    try {
      repairs = securePermissions(config.dataDirAbs);
      db = openDatabase(join(config.dataDirAbs, 'station.db'), config.durability);
    } catch (e) {
      unlock();
      throw e;
    }
    migrate(db, 'core', CORE_MIGRATIONS);
    const audit = new AuditLog(db);
    for (const r of repairs) {
      audit.append({ type: 'store.permissions', severity: 'warn', outcome: 'success', origin: opts.origin, resource: 'station', message: `${r.path} was open to other users (mode ${r.was.toString(8)}); set to ${r.now.toString(8)}`, data: { path: r.path, was: r.was.toString(8), now: r.now.toString(8) } });
    }
    const vault = RecordVault.open(join(config.dataDirAbs, 'record.key'));
    const store = new CardStore(db, vault);
    const products = new ProductRegistry(opts.checks);
    let keys: SoftwareKeyStore | null = null;
    let deviceSet: DeviceSet;
    try {
      products.loadFiles(config.productPaths);
      keys = new SoftwareKeyStore(db, audit, { secretFile: join(config.dataDirAbs, 'station.secret') });
      deviceSet = await opts.devices({ config, products: products.list(), db, keys });
    } catch (e) {
      keys?.close();
      audit.close();
      db.close();
      unlock();
      throw e;
    }
    if (deviceSet.keyStore) keys.useHsm(deviceSet.keyStore.writer);
    const station = new Station(config, db, audit, store, products, deviceSet, opts.origin, keys);
    station.unlock = unlock;
    station.log({ type: 'station.start', severity: 'info', outcome: 'success', origin: opts.origin, resource: 'station', message: `station "${config.stationName}" started (${opts.origin}); every user must log in again` });
    if (config.keyStore.kind === 'software' && config.keyStore.allowProduction)
      station.log({ type: 'keystore.software.production', severity: 'warn', outcome: 'success', origin: opts.origin, resource: 'keystore', message: 'the software key store is allowed for production products (keyStore.allowProduction): keys are not in an HSM' });
    for (const d of deviceSet.devices) await d.start();
    station.deviceGraceTimer = setTimeout(() => {
      for (const e of station.deviceLog.startupOverdue()) station.log(e);
    }, DEVICE_STARTUP_GRACE_MS);
    station.deviceGraceTimer.unref();
    station.retention();
    station.retentionTimer = setInterval(() => station.retention(), 24 * 3600_000);
    station.retentionTimer.unref();
    return station;
  }

  /** Moves log entries past the online period to the archive; the chain stays verifiable across both. */
  retention(): void {
    const sec = this.config.security;
    try {
      const r = this.audit.applyRetention({ onlineDays: sec.logOnlineDays, keepDays: sec.logKeepDays, archiveDir: join(this.config.dataDirAbs, 'log-archive'), origin: 'station' });
      if (r.archived) this.log({ type: 'log.retention', severity: 'info', outcome: 'success', origin: 'station', resource: 'log', message: `archived ${r.archived} log entries older than ${sec.logOnlineDays} days` });
    } catch (e) {
      this.log({ type: 'log.retention', severity: 'error', outcome: 'failure', origin: 'station', resource: 'log', message: `log retention failed: ${(e as Error).message}` });
    }
  }

  /**
   * Appends to the log. An entry that fails on a full disk is held in memory (outside a
   * transaction; inside one the fault is thrown so the whole transaction rolls back), as is every
   * entry after it, and they are written once the fault clears: a handler reporting the fault
   * never fails on the store again.
   */
  log(e: AuditEntryInput): void {
    const guard = guardOf(this.db);
    // Behind entries already held, to keep their order (a transaction's own entry still tries: it commits or rolls back whole).
    if (this.held.length && !this.db.inTransaction) {
      this.hold(e);
      return;
    }
    try {
      this.audit.append(e);
    } catch (err) {
      const f = guard?.classify(err);
      if (!f || this.db.inTransaction) throw f ?? err;
      this.hold(e);
      this.engine?.pause(f.message, engineNote('storeFault'));
    }
  }

  /** The store's standing fault (disk full, WAL lost), null when healthy. */
  storeFault(): StoreFaultError | null {
    return guardOf(this.db)?.fault() ?? null;
  }

  private hold(e: AuditEntryInput): void {
    if (this.held.length < 10_000) this.held.push({ ...e, data: { ...e.data, heldAt: Date.now() } });
    else this.heldDropped++;
  }

  private storeFaultChanged(f: StoreFaultError | null): void {
    if (f) {
      this.engine?.pause(f.message, engineNote('storeFault'));
      return;
    }
    // Space again: the held entries are written now, in order, with the time each happened.
    const held = this.held.splice(0);
    const dropped = this.heldDropped;
    this.heldDropped = 0;
    try {
      this.audit.appendMany([
        ...held,
        { type: 'store.recovered', severity: 'warn', outcome: 'success', origin: 'station', resource: 'station', message: `the station's disk has space again: ${held.length} log entries held in memory while it was full are written${dropped ? `, ${dropped} more were lost` : ''}; resume the line`, data: { held: held.length, dropped } },
      ]);
    } catch (err) {
      // Full again at once: keep them for the next time the space is back.
      this.held.unshift(...held);
      this.heldDropped += dropped;
      guardOf(this.db)?.classify(err);
    }
  }

  private logEngine(e: EngineEvent): void {
    const c = e.card;
    this.log({
      type: e.type, severity: e.severity, outcome: e.outcome, origin: 'station', message: e.message, data: e.data,
      resource: c ? `card:${c.id}` : this.engine?.status().batchId ? `batch:${this.engine.status().batchId}` : 'station',
      batchId: c?.batch_id ?? this.engine?.status().batchId ?? null, cardId: c?.id ?? null, recordId: c?.record_id ?? null, maskedPan: c?.masked_pan ?? null,
    });
  }

  cardRow(id: number) {
    return toCardRow(this.store.card(id));
  }

  async close(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.deviceGraceTimer) clearTimeout(this.deviceGraceTimer);
    this.deviceLog.close();
    try {
      if (this.engine.running || this.engine.status().state === 'estopped') {
        this.engine.stop();
        await Promise.race([this.engine.idle(), new Promise((r) => setTimeout(r, 5000))]);
      }
      await this.deviceSet.close();
    } finally {
      // Whatever a device did on the way out, the store is closed cleanly and the stop is logged.
      try {
        this.log({ type: 'station.stop', severity: 'info', outcome: 'success', origin: this.origin, resource: 'station', message: 'station stopped' });
        this.audit.anchor();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        this.keys.close();
        guardOf(this.db)?.close();
        this.audit.close();
        this.db.close();
        this.unlock();
      }
    }
  }
}

export function toLogEntry(e: { seq: number; ts: number; type: string; severity: 'info' | 'warn' | 'error'; outcome: 'success' | 'failure'; user: string | null; origin: string; resource: string | null; batchId: string | null; cardId: number | null; recordId: string | null; maskedPan: string | null; message: string }): LogEntry {
  return {
    seq: e.seq, ts: e.ts, type: e.type, severity: e.severity, outcome: e.outcome, user: e.user, origin: e.origin, resource: e.resource,
    batchId: e.batchId, cardId: e.cardId, recordId: e.recordId, maskedPan: e.maskedPan, message: e.message,
  };
}
