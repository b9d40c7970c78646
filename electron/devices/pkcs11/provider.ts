import { KEY_TYPE, template } from '../chip/crypto/diversify';
import { kdfCounter } from '../chip/crypto/kdf';
import { kcvAes, kcvDes3 } from '../chip/crypto/block';
import type { ChipKeyProvider, KeyCheck, KeyRefusal, KeyRefusalCode, OpenScpParams, ScpCrypto } from '../chip/keys';
import { parseScp02Init, Scp02HostSession, SCP02_CONST } from '../chip/scp/scp02';
import { parseScp03Init, Scp03HostSession } from '../chip/scp/scp03';
import { SCP03_CONST, gpKdf } from '../chip/crypto/kdf';
import { HostKey, TokenKey, newCounts, type CallCounts, type CardKey } from './card-key';
import { TokenError, type Token, type TokenHandle, type TokenKeyInfo } from './token';

// The chip key provider on a PKCS#11 token. The master key is a token object (found by its
// label, which is the station's key id) and is only ever used by handle. Per card:
//
//   static card keys  emv/visa2, AES master: C_DeriveKey AES_CBC_ENCRYPT_DATA (zero IV, one block
//                     = ECB) -> session objects in the token;
//                     emv/visa2, 3DES master: C_Encrypt DES3_ECB of the template -> host memory
//                     (pkcs11js cannot pass the DES3_ECB_ENCRYPT_DATA parameter);
//                     kdf3: SP 800-108 counter KDF from C_Sign AES_CMAC calls -> host memory;
//                     none: the master itself (handle).
//   session keys      SCP03: the KDF's CMAC calls on the static key (token or host) -> host memory;
//                     SCP02: DES3-CBC of the derivation data on the static key -> host memory.
//   cryptograms, C-MAC, C-DECRYPTION: in host memory with the session keys.
//
// Every per-card key in host memory is a Buffer zeroed when the card's session closes (or at
// once for the static keys, as soon as the session keys exist); token session objects are
// destroyed then. The mechanisms the token does not list are built from ECB (card-key.ts).

export interface TokenAccess {
  /** The logged-in token; throws a TokenError that says why there is none. */
  current(): Token;
  /** Resolves true as soon as the token is usable, false after `ms`. */
  waitReady(ms: number): Promise<boolean>;
  /** A call failed in a way that means the session is gone: re-probe. */
  failed(e: TokenError): void;
  /** The key store's state in words, for refusals ("token not present"). */
  describe(): string;
}

export interface Pkcs11ProviderOptions {
  access: TokenAccess;
  /** The station's record of a key loaded in the token (test flag); null when only the token knows it. */
  meta(keyId: string): { test: boolean } | null;
  /** How long a card waits for the token to come back before it fails. Default 10 s. */
  waitMs?: number;
  /** Token calls made so far, per kind (the bench and the docs quote these). */
  counts?: CallCounts;
}

interface Cached {
  h: TokenHandle;
  info: TokenKeyInfo;
  gpTest: boolean;
}

function refuse(code: KeyRefusalCode, message: string): KeyRefusal {
  return { ok: false, code, message };
}

const GP = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i));

export function createPkcs11KeyProvider(o: Pkcs11ProviderOptions): ChipKeyProvider & { counts: CallCounts } {
  const counts = o.counts ?? newCounts();
  let cacheOf: Token | null = null;
  const cache = new Map<string, Cached>();

  const token = async (): Promise<Token | KeyRefusal> => {
    try {
      return o.access.current();
    } catch {
      if (await o.access.waitReady(o.waitMs ?? 10_000)) {
        try {
          return o.access.current();
        } catch {
          // fall through to the refusal
        }
      }
      return refuse('KEY_STORE_UNAVAILABLE', `key store: ${o.access.describe()}`);
    }
  };

  const lookup = (t: Token, keyId: string): Cached | null => {
    if (cacheOf !== t) {
      cache.clear();
      cacheOf = t;
    }
    const hit = cache.get(keyId);
    if (hit) return hit;
    const h = t.find(keyId);
    if (!h) return null;
    const info = t.info(h);
    // The GlobalPlatform test key is recognised by its KCV, computed in the token.
    const master = new TokenKey(t, h, info.algorithm, info.length, false, counts);
    const kcvBlock = info.algorithm === 'AES' ? Buffer.alloc(16, 1) : Buffer.alloc(8);
    const ours = master.ecb(kcvBlock).subarray(0, 3);
    const gp = GP.subarray(0, info.length);
    const gpTest = ours.equals(info.algorithm === 'AES' ? kcvAes(gp) : kcvDes3(gp));
    const c = { h, info, gpTest };
    cache.set(keyId, c);
    return c;
  };

  const usable = (c: Cached | null, p: KeyCheck): KeyRefusal | null => {
    if (!c) return refuse('NO_KEY', `key "${p.keyId}" is not in the HSM token`);
    if (!p.allowTestKeys && (c.gpTest || o.meta(p.keyId)?.test)) return refuse('TEST_KEY_REFUSED', `key "${p.keyId}" is a test key and the product is not a test product`);
    if (p.scp === 'SCP02' && c.info.algorithm !== 'DES3') return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not a 3DES key, which SCP02 needs`);
    if (p.scp === 'SCP03' && c.info.algorithm !== 'AES') return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not an AES key, which SCP03 needs`);
    return null;
  };

  /** Runs token work; a lost session becomes a refusal naming the key store state, never a crash. */
  const guarded = async <T>(fn: (t: Token) => T): Promise<T | KeyRefusal> => {
    const t = await token();
    if ('ok' in t) return t;
    try {
      return fn(t);
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      if (e.kind === 'KEY' || e.kind === 'MECHANISM') return refuse('WRONG_KEY_TYPE', `key store: ${e.message}`);
      o.access.failed(e);
      cache.clear();
      return refuse('KEY_STORE_UNAVAILABLE', `key store: ${o.access.describe()}`);
    }
  };

  return {
    counts,
    async checkKey(p) {
      const r = await guarded((t) => usable(lookup(t, p.keyId), p) ?? ({ ok: true } as const));
      return r;
    },
    async openScp(p) {
      return guarded((t) => {
        const c = lookup(t, p.keyId);
        const bad = usable(c, p);
        if (bad) return bad;
        const master = new TokenKey(t, c!.h, c!.info.algorithm, c!.info.length, false, counts);
        return open(master, p);
      });
    },
  };
}

/** The card's static ENC and MAC keys from the master (exported for the known-answer tests). */
export function statics(master: CardKey, p: Pick<OpenScpParams, 'diversification' | 'kdd'>): { enc: CardKey; mac: CardKey } {
  if (p.diversification === 'none') return { enc: master, mac: master };
  if (p.kdd.length !== 10) throw new TokenError('OTHER', `key diversification data must be 10 bytes, not ${p.kdd.length}`);
  if (p.diversification === 'kdf3') {
    const one = (k: number) => new HostKey('AES', kdfCounter(master, Buffer.alloc(0), Buffer.concat([Buffer.from([0, 0, 0, k, 0]), p.kdd]), master.length));
    return { enc: one(KEY_TYPE.enc), mac: one(KEY_TYPE.mac) };
  }
  const method = p.diversification;
  return { enc: master.deriveEcb(template(method, p.kdd, KEY_TYPE.enc)), mac: master.deriveEcb(template(method, p.kdd, KEY_TYPE.mac)) };
}

/** SCP02 session key: 3DES-CBC (zero IV) of constant | seq | 00.. under a static key. */
export function scp02Key(k: CardKey, constant: number, seq: Buffer): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt16BE(constant, 0);
  seq.copy(d, 2);
  return k.cbc(d);
}

function open(master: CardKey, p: OpenScpParams): { ok: true; session: ScpCrypto } | KeyRefusal {
  if (p.diversification === 'kdf3' && master.algorithm !== 'AES') return refuse('WRONG_KEY_TYPE', `key "${p.keyId}" is not an AES key, which kdf3 diversification needs`);
  if (p.scp === 'SCP02') {
    const init = parseScp02Init(p.cardResponse);
    if (!init) return refuse('BAD_CARD_RESPONSE', 'INITIALIZE UPDATE answer is not an SCP02 answer');
    const s = statics(master, p);
    try {
      const keys = { sEnc: scp02Key(s.enc, SCP02_CONST.S_ENC, init.seq), sMac: scp02Key(s.mac, SCP02_CONST.S_MAC, init.seq) };
      return { ok: true, session: new Scp02HostSession(keys, p.hostChallenge, init, p.securityLevel) };
    } finally {
      wipe(s, master);
    }
  }
  const init = parseScp03Init(p.cardResponse);
  if (!init) return refuse('BAD_CARD_RESPONSE', 'INITIALIZE UPDATE answer is not an SCP03 answer');
  const s = statics(master, p);
  try {
    const ctx = Buffer.concat([p.hostChallenge, init.cardChallenge]);
    const bits = s.enc.length * 8;
    const keys = { sEnc: gpKdf(s.enc, SCP03_CONST.S_ENC, ctx, bits), sMac: gpKdf(s.mac, SCP03_CONST.S_MAC, ctx, bits), sRmac: gpKdf(s.mac, SCP03_CONST.S_RMAC, ctx, bits) };
    return { ok: true, session: new Scp03HostSession(keys, p.hostChallenge, init, p.securityLevel) };
  } finally {
    wipe(s, master);
  }
}

function wipe(s: { enc: CardKey; mac: CardKey }, master: CardKey): void {
  if (s.enc !== master) s.enc.wipe();
  if (s.mac !== master) s.mac.wipe();
}
