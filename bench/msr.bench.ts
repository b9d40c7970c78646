// One encode-and-verify cycle of the magstripe step (format, write ISO, read ISO, compare)
// through the driver, against the floor: a bare serialport writing the same command bytes on
// the same pty and waiting for the emulator's same answer bytes. Phases alternate so both see
// the same machine state; medians over all cycles.
import { SerialPort } from 'serialport';
import { makePtyPair } from '../tests/support/pty';
import { openSerialPort } from '../electron/devices/serial/link';
import { MsrEncoder } from '../electron/devices/msr/driver';
import { createMagstripeModule } from '../electron/devices/msr/module';
import { command, CMD, writeCommand, type Tracks } from '../electron/devices/msr/protocol';
import { readAnswer as emulatorReadAnswer, ST } from '../electron/sim/msr/manual';
import { runEncoderEmulatorOnTty } from '../electron/sim/msr/tty';
import { formatTracks } from '../shared/magstripe/tracks';
import { CardRecordSchema } from '../shared/domain/record';
import { ProductSchema } from '../shared/domain/product';
import type { StepContext } from '../electron/core/engine/step';
import { median, report } from './report';

const ROUNDS = 40;
const CYCLES = 40;

const product = ProductSchema.parse({ id: 'bench', name: 'Bench', steps: ['magstripe'], magstripe: { tracks: [1, 2], coercivity: 'hi' } });
const record = CardRecordSchema.parse({ recordId: 'B1', pan: '4111111111111111', expiry: '2512', name: 'DOE/JOHN', track1Discretionary: '0000000000123', track2Discretionary: '0000123' });
const tracks = formatTracks(product.magstripe!, record) as Tracks;
const writeBytes = writeCommand(tracks);
const readBytes = command(CMD.readIso);
const writeAnswer = Buffer.from([0x1b, 0x30]);
const readAnswer = emulatorReadAnswer(tracks, ST.ok);
const ctx: StepContext = {
  cardId: 1, batchId: 'bench', recordIndex: 0, record, product, slot: 1, attempt: 1, signal: new AbortController().signal,
  progress: () => {}, note: () => {},
};

const pair = await makePtyPair('msr-bench');
const emu = await runEncoderEmulatorOnTty(pair.b);
const enc = new MsrEncoder({ id: 'bench', link: await openSerialPort({ path: pair.a, baudRate: 9600 }) });
const mod = createMagstripeModule(enc);

async function driverPhase(n: number, out: number[]): Promise<void> {
  await enc.start();
  if (!enc.online) throw new Error('encoder did not come online');
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await mod.run(ctx);
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!r.ok) throw new Error(`cycle failed: ${r.reason}`);
    out.push(dt);
  }
  await enc.close();
}

async function floorPhase(n: number, out: number[]): Promise<void> {
  const port = new SerialPort({ path: pair.a, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  let rx = Buffer.alloc(0);
  let want = 0;
  let wake: (() => void) | null = null;
  port.on('data', (d: Buffer) => {
    rx = Buffer.concat([rx, d]);
    if (rx.length >= want && wake) wake();
  });
  const roundTrip = (bytes: Buffer, answer: Buffer) =>
    new Promise<void>((res, rej) => {
      rx = Buffer.alloc(0);
      want = answer.length;
      wake = () => {
        wake = null;
        if (!rx.equals(answer)) rej(new Error('unexpected answer'));
        else res();
      };
      port.write(bytes);
    });
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await roundTrip(writeBytes, writeAnswer);
    await roundTrip(readBytes, readAnswer);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await new Promise<void>((res) => port.close(() => res()));
}

const drv: number[] = [];
const floor: number[] = [];
await floorPhase(50, []); // warm-up of both paths
await driverPhase(50, []);
for (let r = 0; r < ROUNDS; r++) {
  await floorPhase(CYCLES, floor);
  await driverPhase(CYCLES, drv);
}
const value = median(drv);
const fl = median(floor);
console.log(`driver encode+verify: median ${value.toFixed(3)} ms over ${drv.length} cycles; bare serialport same bytes: median ${fl.toFixed(3)} ms`);
report({ name: 'msr encode+verify cycle (driver vs bare serialport, pty)', value, unit: 'ms', floor: fl, ratio: value / fl, target: '≤ 1.2× floor', met: value / fl <= 1.2 });
await emu.stop();
await pair.kill();
