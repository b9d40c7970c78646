import type { Db } from './store/db';
import type { Device } from '../devices/device';
import type { CardTransport, StepModule } from './engine/step';
import type { StepKind, Product } from '../../shared/domain/product';
import type { LoadedConfig } from './config';
import type { HsmKeyWriter } from '../devices/pkcs11/hsm-keys';

// The devices a station runs with, as the engine sees them: modules per step kind, the card
// transport, and every device for the device panel. Built from the config by a factory, so the
// core never knows whether a device is real or simulated.
export interface DeviceSet {
  devices: Device[];
  modules: Partial<Record<StepKind, StepModule>>;
  transport: CardTransport;
  /** The PKCS#11 key store, when the config has one: the ceremony writes keys through it. */
  keyStore?: { writer: HsmKeyWriter; pinPrompt?: (pin: string) => void };
  /** Handles for tests and training (e.g. the simulated line, for fault injection); opaque to the core. */
  extras?: Record<string, unknown>;
  close(): Promise<void>;
}

/** What a device factory may use of the core: the key vault for the chip step's key provider. */
export interface KeyLookup {
  lookup(keyId: string): { material: Buffer; algorithm: 'AES' | 'DES3'; test: boolean } | null;
  meta?(keyId: string): { test: boolean } | null;
}

export type DeviceFactory = (ctx: { config: LoadedConfig; products: Product[]; db: Db; keys: KeyLookup }) => Promise<DeviceSet>;
