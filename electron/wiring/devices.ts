import { readFileSync } from 'node:fs';
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
import { SimLine } from '../sim/line';
import { DirectTransport } from './direct-transport';

// Builds the station's devices from its config: a path starting with "sim:" gets an in-process
// emulator on a memory cable, any other path a real serial port. The drivers are the same
// either way; only the far end of the cable differs.
export const createDevices: DeviceFactory = async ({ config }) => {
  const sim = config.simulation ? new SimLine({ timeScale: config.simulation.timeScale, ...readIssuer(config.issuerFileAbs) }) : null;
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
  let transport: CardTransport = new DirectTransport();
  const d = config.devices;

  if (d.machine) {
    const link = await cable(d.machine, (line, far) => line.attachMachine(far));
    links.push(link);
    const machine = new MachineDriver(link, { id: d.machine.id, name: 'Embosser / card transport' });
    devices.push(machine);
    transport = new MachineTransport(machine);
    modules.emboss = createEmbossModule(machine, { jobsFor: (ctx) => embossJobs(layoutCard(ctx.product.layout!, ctx.record, { maskPan: false, product: ctx.product })) });
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
    const laser = new GrblLaser(link, { id: d.laser.id, name: 'Laser engraver' });
    devices.push(laser);
    modules.laser = createLaserModule(laser, { jobsFor: (ctx) => laserJobs(layoutCard(ctx.product.layout!, ctx.record, { maskPan: false, product: ctx.product })) });
  }

  const set: DeviceSet = {
    devices,
    modules,
    transport,
    async close() {
      for (const dev of devices) await dev.close().catch(() => undefined);
      sim?.close();
    },
  };
  return set;
};

/** The simulated issuer's file: which blank cards of the stock are defective (demo and tests). */
function readIssuer(path: string | null): { defectiveSerials?: number[] } {
  if (!path) return {};
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as { defectiveSerials?: unknown };
    return Array.isArray(j.defectiveSerials) ? { defectiveSerials: j.defectiveSerials.filter((x): x is number => typeof x === 'number') } : {};
  } catch (e) {
    throw new Error(`cannot read the simulation's issuer file ${path}: ${(e as Error).message}`);
  }
}

/** A real port that may not be there yet: the driver opens it and keeps retrying by itself. */
async function openSerialPortLazily(spec: { path: string; baudRate: number }): Promise<SerialLink> {
  return openSerialPort(spec);
}
