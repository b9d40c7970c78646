import type { StepContext } from '../../../electron/core/engine/step';
import type { CardRecord } from '../../../shared/domain/record';
import type { Product } from '../../../shared/domain/product';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { MachineDriver, type MachineDriverOptions } from '../../../electron/devices/machine/driver';
import { MachineEmulator, type MachineEmulatorOptions } from '../../../electron/sim/machine/emulator';

export const PAN = '4111111111111111';

export function record(over: Partial<CardRecord> = {}): CardRecord {
  return { recordId: 'R1', pan: PAN, expiry: '2812', name: 'DOE/JOHN', cvv2: '123', ...over } as CardRecord;
}

export function stepContext(over: Partial<StepContext> = {}): StepContext & { notes: Array<Record<string, unknown>>; progressNotes: string[] } {
  const notes: Array<Record<string, unknown>> = [];
  const progressNotes: string[] = [];
  return {
    cardId: 1,
    batchId: 'B1',
    recordIndex: 0,
    record: record(),
    product: { id: 'p', name: 'P', test: true, steps: ['emboss'], retries: {}, secureFields: [] } as unknown as Product,
    slot: 0,
    attempt: 1,
    signal: new AbortController().signal,
    progress: (_f, n) => void (n && progressNotes.push(n)),
    note: (f) => void notes.push(f),
    notes,
    progressNotes,
    ...over,
  };
}

/** A driver on an in-memory cable with the emulator at the far end; every byte the driver sends is kept. */
export async function rig(emuOpts: MachineEmulatorOptions = {}, drvOpts: MachineDriverOptions = {}) {
  const { link, far } = createMemoryLink('mem:machine');
  const sent: Buffer[] = [];
  far.onData((c) => sent.push(c));
  const emulator = new MachineEmulator(far, emuOpts);
  const machine = new MachineDriver(link, { backoff: { initialMs: 10, maxMs: 40 }, ...drvOpts });
  await machine.start();
  return { link, far, emulator, machine, sent, sentText: () => Buffer.concat(sent).toString('latin1') };
}

export async function waitFor(pred: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
