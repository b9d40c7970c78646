import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../electron/core/store/db';
import { migrate } from '../../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../../electron/core/store/core-migrations';
import { CardStore } from '../../electron/core/store/card-store';
import { RecordVault } from '../../electron/core/store/record-vault';
import type { CardRecord } from '../../shared/domain/record';
import { luhnCheckDigit } from '../../shared/domain/pan';
import type { CardTransport, StepModule, StepOutcome, StepContext } from '../../electron/core/engine/step';
import type { StepKind } from '../../shared/domain/product';

// In-process parts for unit tests of the core: a real SQLite store in a temp dir, fake modules.
export function tempDir(name = 'core'): string {
  return mkdtempSync(join(tmpdir(), `perso-${name}-`));
}

export function makeStore(dir = tempDir()): CardStore {
  const db = openDatabase(join(dir, 'station.db'), 'normal');
  migrate(db, 'core', CORE_MIGRATIONS);
  return new CardStore(db, RecordVault.open(join(dir, 'record.key')));
}

export function pan(i: number, prefix = '411111'): string {
  const body = prefix + String(i).padStart(9, '0');
  return body + luhnCheckDigit(body);
}

export function record(i: number, extra: Partial<CardRecord> = {}): CardRecord {
  return { recordId: `R${String(i).padStart(6, '0')}`, pan: pan(i), expiry: '2811', name: 'DOE/JOHN', serviceCode: '201', cvv2: '123', track2Discretionary: '0000012345', ...extra };
}

export class DirectTransport implements CardTransport {
  readonly id = 'direct';
  fed = 0;
  ejected: { handle: number; bin: string }[] = [];
  moves: string[] = [];
  async feed() {
    return ++this.fed;
  }
  async moveTo(h: number, m: StepKind, slot: number, _signal?: AbortSignal) {
    this.moves.push(`${h}:${m}:${slot}`);
  }
  async eject(handle: number, bin: 'good' | 'reject') {
    this.ejected.push({ handle, bin });
  }
}

export function fakeModule(kind: StepKind, run: (ctx: StepContext) => Promise<StepOutcome> | StepOutcome, slots = 1): StepModule & { calls: StepContext[] } {
  const calls: StepContext[] = [];
  return {
    kind, slots, deviceIds: Array.from({ length: slots }, (_, i) => `${kind}-${i}`), calls,
    async run(ctx) {
      calls.push(ctx);
      return run(ctx);
    },
  };
}
