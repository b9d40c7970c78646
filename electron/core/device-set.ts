import type { Db } from './store/db';
import type { Device } from '../devices/device';
import type { CardTransport, StepModule } from './engine/step';
import type { StepKind, Product } from '../../shared/domain/product';
import type { LoadedConfig } from './config';

// The devices a station runs with, as the engine sees them: modules per step kind, the card
// transport, and every device for the device panel. Built from the config by a factory, so the
// core never knows whether a device is real or simulated.
export interface DeviceSet {
  devices: Device[];
  modules: Partial<Record<StepKind, StepModule>>;
  transport: CardTransport;
  close(): Promise<void>;
}

export type DeviceFactory = (ctx: { config: LoadedConfig; products: Product[]; db: Db }) => Promise<DeviceSet>;
