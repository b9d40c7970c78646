import { diversifyKeys, type Diversification, type KeyAlgorithm } from './crypto/diversify';
import { parseScp02Init, Scp02HostSession } from './scp/scp02';
import { parseScp03Init, Scp03HostSession } from './scp/scp03';
import type { ScpCrypto, ScpKind, SecurityLevel } from './scp/types';

// Where the secure-channel keys live. The personalization code never sees key bytes: it asks
// the provider whether a key may be used, then to open a session from the card's INITIALIZE
// UPDATE answer, and works with the opaque ScpCrypto it gets back. A PKCS#11 HSM provider
// implements the same two calls with key handles (derive, encrypt, sign on the HSM); the
// software provider below does it in memory for test benches and the demo.

export type { ScpCrypto, ScpKind, SecurityLevel, Diversification };

export interface KeyCheck {
  keyId: string;
  scp: ScpKind;
  /** The product is marked test: GlobalPlatform test keys and keys recorded as test may be used. */
  allowTestKeys: boolean;
}

export interface OpenScpParams extends KeyCheck {
  diversification: Diversification;
  /** Key diversification data: the first 10 bytes of the INITIALIZE UPDATE answer. */
  kdd: Buffer;
  /** The 8-byte host challenge sent in INITIALIZE UPDATE. */
  hostChallenge: Buffer;
  /** The INITIALIZE UPDATE answer without the status word. */
  cardResponse: Buffer;
  securityLevel: SecurityLevel;
}

export type KeyRefusalCode = 'NO_KEY' | 'TEST_KEY_REFUSED' | 'WRONG_KEY_TYPE' | 'BAD_CARD_RESPONSE' | 'KEY_STORE_UNAVAILABLE' | 'SOFTWARE_STORE_REFUSED';
export interface KeyRefusal {
  ok: false;
  code: KeyRefusalCode;
  /** Names the key id and the rule, never key material. */
  message: string;
}

export interface ChipKeyProvider {
  checkKey(p: KeyCheck): Promise<{ ok: true } | KeyRefusal>;
  openScp(p: OpenScpParams): Promise<{ ok: true; session: ScpCrypto } | KeyRefusal>;
}

export interface KeyRecord {
  material: Buffer;
  algorithm: KeyAlgorithm;
  /** The key store marks this key as a test key. */
  test: boolean;
}

const GP_TEST_PATTERN = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i));

/** The GlobalPlatform default test key 40 41 42 … (16, 24 or 32 bytes). */
export function isGpTestKey(material: Buffer): boolean {
  const n = material.length;
  return (n === 16 || n === 24 || n === 32) && material.equals(GP_TEST_PATTERN.subarray(0, n));
}

function refuse(code: KeyRefusalCode, message: string): KeyRefusal {
  return { ok: false, code, message };
}

function usable(rec: KeyRecord | null, p: KeyCheck): KeyRefusal | null {
  if (!rec) return refuse('NO_KEY', `key "${p.keyId}" is not loaded`);
  if (!p.allowTestKeys && (rec.test || isGpTestKey(rec.material)))
    return refuse('TEST_KEY_REFUSED', `key "${p.keyId}" is a test key and the product is not a test product`);
  if (p.scp === 'SCP02' && (rec.algorithm !== 'DES3' || (rec.material.length !== 16 && rec.material.length !== 24)))
    return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not a 3DES key, which SCP02 needs`);
  if (p.scp === 'SCP03' && (rec.algorithm !== 'AES' || ![16, 24, 32].includes(rec.material.length)))
    return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not an AES key, which SCP03 needs`);
  return null;
}

/**
 * A provider over a key lookup that returns key material. Like the core key vault's contract,
 * each lookup must return a fresh copy: the provider fills it with zeros once it has used it.
 */
export function createSoftwareKeyProvider(lookup: (keyId: string) => Promise<KeyRecord | null>, o: { production?: 'refuse' | 'allow' } = {}): ChipKeyProvider {
  // The station passes 'refuse' unless its config sets keyStore.allowProduction (wiring/devices.ts).
  const refused = (p: KeyCheck): KeyRefusal | null =>
    o.production === 'refuse' && !p.allowTestKeys
      ? refuse('SOFTWARE_STORE_REFUSED', `key "${p.keyId}": the product is not marked test and the station's keys are in the software key store (demo and training); use an HSM key store, or set keyStore.allowProduction in the station config`)
      : null;
  return {
    async checkKey(p) {
      const no = refused(p);
      if (no) return no;
      const rec = await lookup(p.keyId);
      const verdict = usable(rec, p) ?? { ok: true as const };
      rec?.material.fill(0);
      return verdict;
    },
    async openScp(p) {
      const no = refused(p);
      if (no) return no;
      const rec = await lookup(p.keyId);
      try {
        const bad = usable(rec, p);
        if (bad) return bad;
        return open(rec!, p);
      } finally {
        rec?.material.fill(0);
      }
    },
  };
}

function open(rec: KeyRecord, p: OpenScpParams): { ok: true; session: ScpCrypto } | KeyRefusal {
  const { material, algorithm } = rec;
  if (p.diversification === 'kdf3' && algorithm !== 'AES') return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not an AES key, which kdf3 diversification needs`);
  const statics = diversifyKeys(material, algorithm, p.diversification, p.kdd);
  try {
    if (p.scp === 'SCP02') {
      const init = parseScp02Init(p.cardResponse);
      if (!init) return refuse('BAD_CARD_RESPONSE', 'INITIALIZE UPDATE answer is not an SCP02 answer');
      return { ok: true, session: new Scp02HostSession(statics, p.hostChallenge, init, p.securityLevel) };
    }
    const init = parseScp03Init(p.cardResponse);
    if (!init) return refuse('BAD_CARD_RESPONSE', 'INITIALIZE UPDATE answer is not an SCP03 answer');
    return { ok: true, session: new Scp03HostSession(statics, p.hostChallenge, init, p.securityLevel) };
  } finally {
    statics.enc.fill(0);
    statics.mac.fill(0);
    statics.dek.fill(0);
  }
}
