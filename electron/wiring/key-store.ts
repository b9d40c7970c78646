import type { LoadedConfig } from '../core/config';
import { StatusHolder, type Device } from '../devices/device';
import type { KeyLookup } from '../core/device-set';
import { createSoftwareKeyProvider, type ChipKeyProvider } from '../devices/chip/keys';
import { KeyStoreDevice, type PinSource } from '../devices/pkcs11/keystore-device';
import { pinFromEnv, pinFromFile, pinFromPrompt } from '../devices/pkcs11/pin-source';
import { openPkcs11Token } from '../devices/pkcs11/pkcs11js-token';
import { createPkcs11KeyProvider } from '../devices/pkcs11/provider';
import { createHsmKeyWriter, type HsmKeyWriter } from '../devices/pkcs11/hsm-keys';
import { childKeyLoader } from '../devices/pkcs11/key-loader';
import { deviceNote } from '../../shared/domain/status-notes';

// The chip step's key provider from keyStore in the config: the software store (demo, training;
// production products refused unless allowProduction), or a PKCS#11 token shown on the device
// panel as "Key store: HSM".
export function createKeyStore(config: LoadedConfig, keys: KeyLookup): {
  provider: ChipKeyProvider;
  device?: Device;
  hsm?: { writer: HsmKeyWriter; pinPrompt?: (pin: string) => void };
} {
  const ks = config.keyStore;
  if (ks.kind === 'software') {
    const provider = createSoftwareKeyProvider(async (id) => keys.lookup(id), { production: ks.allowProduction ? 'allow' : 'refuse' });
    return { provider, ...(ks.allowProduction ? { device: softwareBanner() } : {}) };
  }
  let pin: PinSource;
  let pinPrompt: ((pin: string) => void) | undefined;
  if (ks.pin === 'prompt') {
    const p = pinFromPrompt();
    pin = p;
    pinPrompt = (x) => {
      p.set(x);
      device.probe();
    };
  } else if ('file' in ks.pin) pin = pinFromFile(config.pinFileAbs!);
  else pin = pinFromEnv(ks.pin.env);
  const device = new KeyStoreDevice({ pin, open: (p) => openPkcs11Token({ module: ks.module, tokenLabel: ks.tokenLabel, slot: ks.slot, pin: p }) });
  const provider = createPkcs11KeyProvider({ access: device, meta: (id) => keys.meta?.(id) ?? null });
  // Key values go to the token from a child process, so no copy of them stays in the station's heap.
  const loader = childKeyLoader({ module: ks.module, tokenLabel: ks.tokenLabel, slot: ks.slot, pin: () => pin.read() });
  return { provider, device, hsm: { writer: createHsmKeyWriter(device, loader), pinPrompt } };
}

/** The banner on the device panel while production products may use the software store. */
function softwareBanner(): Device {
  const st = new StatusHolder('keystore', 'keystore', 'Key store: software');
  return {
    id: 'keystore', kind: 'keystore', status: () => st.get(), onStatus: (cb) => st.on(cb),
    start: async () => st.say('online', deviceNote('keystore.software'), 'PRODUCTION KEYS IN THE SOFTWARE KEY STORE (keyStore.allowProduction): the keys are not in an HSM', 'Move the keys to an HSM (docs/hsm.md)'),
    close: async () => undefined,
  };
}
