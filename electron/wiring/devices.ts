import type { DeviceFactory, DeviceSet } from '../core/device-set';
import type { Device } from '../devices/device';
import type { StepModule, CardTransport } from '../core/engine/step';
import type { StepKind } from '../../shared/domain/product';
import { openSerialPort, createMemoryLink, type SerialLink } from '../devices/serial/link';
import { MsrEncoder } from '../devices/msr/driver';
import { createMagstripeModule } from '../devices/msr/module';
import { MachineDriver } from '../devices/machine/driver';
import { MachineTransport } from '../devices/machine/transport';
import { createEmbossModule } from '../devices/machine/emboss-module';
import { GrblLaser } from '../devices/laser/driver';
import { createLaserModule } from '../devices/laser/laser-module';
import { embossJobs, laserJobs, layoutCard } from '../../shared/layout/index';
import { SimLine, vpcdHeads, type ChipHeads } from '../sim/line';
import { readSimIssuer } from '../sim/issuer';
import { ReaderService } from '../devices/pcsc/reader-service';
import { ReaderDevice } from '../devices/pcsc/reader-device';
import { SimPcscBinding } from '../devices/pcsc/sim-binding';
import { createPcscliteBinding } from '../devices/pcsc/pcsclite-binding';
import type { PcscBinding } from '../devices/pcsc/binding';
import { createChipModule } from '../devices/chip/chip-module';
import { createSoftwareKeyProvider } from '../devices/chip/keys';
import { createKeyStore } from './key-store';
import { DirectTransport } from './direct-transport';
import { withEmbossReadBack } from './emboss-readback';
import type { EmbossJob } from '../../shared/layout/jobs';
import { ManualTransport } from '../core/manual/manual-transport';

// Builds the station's devices from its config: a path starting with "sim:" gets an in-process
// emulator on a memory cable, any other path a real serial port. The drivers are the same
// either way; only the far end of the cable differs.
export const createDevices: DeviceFactory = async ({ config, keys }) => {
  const d = config.devices;
  // Chip heads: PC/SC readers, through pcscd or in-process virtual readers.
  let readerService: ReaderService | null = null;
  let simBinding: SimPcscBinding | null = null;
  let vpcd: ReturnType<typeof vpcdHeads> | null = null;
  let chipHeads: ChipHeads | undefined;
  if (d.readers.length) {
    let binding: PcscBinding;
    if (d.pcsc === 'sim') binding = simBinding = new SimPcscBinding(d.readers.map((r) => r.name));
    else binding = await createPcscliteBinding();
    readerService = new ReaderService({ binding });
    if (simBinding) {
      const sb = simBinding;
      chipHeads = {
        insert: async (slot, chip) => sb.reader(d.readers[slot].name).insert(chip),
        remove: async (slot) => sb.reader(d.readers[slot].name).remove(),
      };
    } else if (config.simulation?.vpcd) chipHeads = vpcd = vpcdHeads();
  }
  const issuer = readSimIssuer(config.issuerFileAbs);
  const sim = config.simulation ? new SimLine({ timeScale: config.simulation.timeScale, issuer, chipStations: d.readers.length, chipHeads }) : null;
  const links: SerialLink[] = [];
  const cable = async (spec: { id: string; path: string; baudRate: number }, attach: (line: SimLine, far: ReturnType<typeof createMemoryLink>['far']) => void): Promise<SerialLink> => {
    if (spec.path.startsWith('sim:')) {
      if (!sim) throw new Error(`device ${spec.id} uses a simulator (${spec.path}) but the config has no "simulation" section`);
      const { link, far } = createMemoryLink(spec.path);
      attach(sim, far);
      return link;
    }
    return openSerialPortLazily(spec);
  };

  const devices: Device[] = [];
  const modules: Partial<Record<StepKind, StepModule>> = {};
  // No machine: a real workstation runs in manual mode (the operator carries the card); a simulated one moves it instantly.
  let transport: CardTransport = !d.machine && !config.simulation ? new ManualTransport({ modules, devices }) : new DirectTransport();
  const keyStore = createKeyStore(config, keys);
  if (keyStore.device) devices.push(keyStore.device);
  if (readerService) {
    const heads = d.readers.map((r) => new ReaderDevice(readerService!, { id: r.id, match: r.name, name: `Chip head ${r.id}` }));
    devices.push(...heads);
    modules.chip = createChipModule(heads, keyStore.provider);
  }

  if (d.machine) {
    const link = await cable(d.machine, (line, far) => line.attachMachine(far));
    links.push(link);
    const machine = new MachineDriver(link, { id: d.machine.id, name: 'Embosser / card transport' });
    devices.push(machine);
    // The machine's reset sends every card in the path to the reject bin: how the station clears
    // the path after an emergency stop, a jam or a crash.
    transport = Object.assign(new MachineTransport(machine), { clearPath: (signal: AbortSignal) => machine.reset(signal) });
    let lastJobs: EmbossJob[] | null = null;
    const emboss = createEmbossModule(machine, {
      jobsFor: (ctx) => (lastJobs = embossJobs(layoutCard(ctx.product.layout!, ctx.record, { maskPan: false, product: ctx.product }))),
    });
    modules.emboss = withEmbossReadBack(emboss, () => lastJobs);
  }
  if (d.encoder) {
    const link = await cable(d.encoder, (line, far) => line.attachEncoder(far));
    links.push(link);
    const encoder = new MsrEncoder({ id: d.encoder.id, name: 'Magnetic stripe encoder', link });
    devices.push(encoder);
    modules.magstripe = createMagstripeModule(encoder);
  }
  if (d.laser) {
    const link = await cable(d.laser, (line, far) => line.attachLaser(far));
    links.push(link);
    const jig = d.laser.jig;
    const laser = new GrblLaser(link, { id: d.laser.id, name: 'Laser engraver', stallMs: d.laser.stallSeconds * 1000, workOffset: jig.g54Mm });
    devices.push(laser);
    modules.laser = createLaserModule(laser, { jobsFor: (ctx) => laserJobs(layoutCard(ctx.product.layout!, ctx.record, { maskPan: false, product: ctx.product }), jig) });
  }

  const set: DeviceSet = {
    devices,
    modules,
    transport,
    extras: { simLine: sim, readerService, keyProvider: keyStore.provider },
    ...(keyStore.hsm ? { keyStore: keyStore.hsm } : {}),
    async close() {
      for (const dev of devices) await dev.close().catch(() => undefined);
      await vpcd?.close();
      await readerService?.close();
      sim?.close();
    },
  };
  return set;
};

/** A real port that may not be there yet: the driver opens it and keeps retrying by itself. */
async function openSerialPortLazily(spec: { path: string; baudRate: number }): Promise<SerialLink> {
  return openSerialPort(spec);
}
