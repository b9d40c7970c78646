// Personalization per card with the master key in SoftHSM2 beside the software key provider, in
// the same run on the same kind of virtual card (the simulated GlobalPlatform card over an
// in-memory channel, so the figure is the key provider's cost and not PC/SC's): SCP03, kdf3,
// C-MAC + C-DECRYPTION, as the demo product. Each round personalizes one fresh card with each
// provider, alternating. Also, informational: the same through `p11-kit server` (SoftHSM2 in its own
// process, the client forwarding only ECB), and the token calls per card on each path.
import { randomBytes } from 'node:crypto';
import { createSoftHsm, startP11KitServer, P11KIT_CLIENT, SOFTHSM_MODULE } from '../tests/support/softhsm';
import { setup } from '../tests/unit/chip/fixtures';
import { openPkcs11Token } from '../electron/devices/pkcs11/pkcs11js-token';
import { createPkcs11KeyProvider, type TokenAccess } from '../electron/devices/pkcs11/provider';
import { createSoftwareKeyProvider } from '../electron/devices/chip/keys';
import type { Token } from '../electron/devices/pkcs11/token';
import { median, report } from './report';

const ROUNDS = Number(process.env.HSM_BENCH_CARDS ?? 300);
const TARGET_MS = 2;

const hsm = createSoftHsm();
hsm.use();
const key = randomBytes(16);
const direct = openPkcs11Token({ module: SOFTHSM_MODULE, tokenLabel: hsm.label, pin: hsm.pin });
direct.create({ label: 'bench-kmc', algorithm: 'AES', value: Buffer.from(key), persistent: true });
const access = (t: Token): TokenAccess => ({ current: () => t, waitReady: async () => true, failed: () => undefined, describe: () => 'online' });

const soft = createSoftwareKeyProvider(async () => ({ material: Buffer.from(key), algorithm: 'AES', test: false }));
const viaToken = createPkcs11KeyProvider({ access: access(direct), meta: () => ({ test: false }) });

async function once(keys: typeof soft): Promise<number> {
  const fx = setup({ scp: 'SCP03', diversification: 'kdf3', securityLevel: 'CMAC_CDEC', masterKey: key });
  const profile = { ...fx.profile, keyId: 'bench-kmc' };
  const t0 = performance.now();
  const r = await fx.run({ keys, profile });
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`card failed: ${r.reason} ${r.message}`);
  return ms;
}

// Warm-up: the first card of a key also finds it and checks its KCV (cached per session).
for (let i = 0; i < 20; i++) {
  await once(soft);
  await once(viaToken);
}
const s: number[] = [];
const h: number[] = [];
const before = { ...viaToken.counts };
for (let i = 0; i < ROUNDS; i++) {
  s.push(await once(soft));
  h.push(await once(viaToken));
}
const sw = median(s);
const hw = median(h);
report({ name: 'chip personalization per card, key in SoftHSM2 (vs software key provider)', value: hw, unit: 'ms/card', floor: sw, ratio: hw / sw });
report({ name: 'key in SoftHSM2: added time per card (HSM − software)', value: hw - sw, unit: 'ms/card', target: `≤ ${TARGET_MS} ms/card`, met: hw - sw <= TARGET_MS });
const per = (k: keyof typeof before) => (viaToken.counts[k] - before[k]) / ROUNDS;
report({ name: 'SoftHSM2 direct: token calls per card (C_Sign AES-CMAC; informational)', value: per('cmac'), unit: 'calls/card' });
direct.close();

// Through p11-kit server: informational, every ECB call is a socket round trip.
const server = await startP11KitServer(hsm);
process.env.P11_KIT_SERVER_ADDRESS = server.address;
const remote = openPkcs11Token({ module: P11KIT_CLIENT, tokenLabel: hsm.label, pin: hsm.pin });
const viaRemote = createPkcs11KeyProvider({ access: access(remote), meta: () => ({ test: false }) });
for (let i = 0; i < 10; i++) await once(viaRemote);
const r: number[] = [];
const s2: number[] = [];
const before2 = { ...viaRemote.counts };
for (let i = 0; i < Math.min(ROUNDS, 100); i++) {
  s2.push(await once(soft));
  r.push(await once(viaRemote));
}
report({ name: 'chip personalization per card, key behind p11-kit server, ECB only (informational)', value: median(r), unit: 'ms/card', floor: median(s2), ratio: median(r) / median(s2) });
report({ name: 'p11-kit path: token calls per card (C_Encrypt ECB; informational)', value: (viaRemote.counts.ecb - before2.ecb) / Math.min(ROUNDS, 100), unit: 'calls/card' });
remote.close();
await server.stop();
hsm.remove();
