import { createRequire } from 'node:module';
import type * as P from 'pkcs11js';
import { classifyCkr, TokenError, type Mechanism, type NewKey, type Token, type TokenHandle, type TokenKeyAlgorithm, type TokenKeyInfo, type TokenState } from './token';

// The Token interface over pkcs11js (PeculiarVentures' N-API binding; graphene-pk11 is a layer
// over it). pkcs11js is loaded lazily so that a station on the software key store never needs
// the native module.
//
// Two limits of pkcs11js 2.1.7 shape what runs in the token:
// - it cannot build CK_KEY_DERIVATION_STRING_DATA (a Buffer parameter is copied as raw bytes,
//   which the token then reads as a pointer), so the *_ECB_ENCRYPT_DATA and XOR_BASE_AND_DATA
//   derivations cannot be called; AES_CBC_ENCRYPT_DATA with a zero IV over one block is the
//   same function as AES_ECB_ENCRYPT_DATA and is used instead;
// - attribute values and mechanism parameters are copied to malloc'd memory and freed without
//   being cleared, so a key value passed to C_CreateObject lingers in the calling process's
//   heap. The key ceremony therefore creates token objects from a short-lived child process
//   (electron/core/keys/hsm-loader.ts), never from the station process.

const req = createRequire(import.meta.url);
let lib: typeof P | null = null;
function pkcs11(): typeof P {
  lib ??= req('pkcs11js') as typeof P;
  return lib;
}

export interface OpenTokenOptions {
  module: string;
  tokenLabel?: string;
  /** Slot id as the module numbers it (used when no token label is given). */
  slot?: number;
  pin: string;
}

class Handle implements TokenHandle {
  constructor(readonly token: Pkcs11jsToken, readonly h: Buffer) {}
}

function wrapError(e: unknown, what: string): TokenError {
  if (e instanceof TokenError) return e;
  const m = /CKR_[A-Z_]+/.exec(String((e as Error)?.message ?? e));
  if (m) return new TokenError(classifyCkr(m[0]), `${what}: ${m[0]}`, m[0]);
  return new TokenError('OTHER', `${what}: ${(e as Error)?.name ?? 'error'}`);
}

function slotNumber(h: Buffer): number {
  return h.length >= 8 ? Number(h.readBigUInt64LE(0)) : h.readUInt32LE(0);
}

const MECH_NAMES: Mechanism[] = ['AES_ECB', 'AES_CBC', 'AES_CMAC', 'AES_CBC_ENCRYPT_DATA', 'DES3_ECB', 'DES3_CBC', 'DES3_CBC_ENCRYPT_DATA', 'XOR_BASE_AND_DATA'];

/** Loads the module, finds the token, opens a session and logs in as the user. */
export function openPkcs11Token(o: OpenTokenOptions): Pkcs11jsToken {
  const pk = pkcs11();
  const p = new pk.PKCS11();
  try {
    p.load(o.module);
  } catch (e) {
    throw new TokenError('NO_MODULE', `cannot load the PKCS#11 module ${o.module}: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  let initialized = false;
  try {
    // Native OS locking: the p11-kit client refuses a NULL argument block (CKR_CANT_LOCK).
    p.C_Initialize({ flags: pk.CKF_OS_LOCKING_OK });
    initialized = true;
    const slots = p.C_GetSlotList(true);
    const slot = slots.find((s) => (o.tokenLabel != null ? p.C_GetTokenInfo(s).label.trim() === o.tokenLabel : slotNumber(s) === o.slot));
    if (!slot) throw new TokenError('NOT_PRESENT', o.tokenLabel != null ? `token "${o.tokenLabel}" not present` : `no token in slot ${o.slot}`);
    const session = p.C_OpenSession(slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
    try {
      p.C_Login(session, pk.CKU_USER, o.pin);
    } catch (e) {
      const err = wrapError(e, 'login');
      if (err.ckr !== 'CKR_USER_ALREADY_LOGGED_IN') {
        // The lock-out counter the token reports, for the device panel.
        const f = p.C_GetTokenInfo(slot).flags;
        const notes = [f & pk.CKF_USER_PIN_LOCKED ? 'PIN locked' : f & pk.CKF_USER_PIN_FINAL_TRY ? 'PIN: one try left before lock-out' : f & pk.CKF_USER_PIN_COUNT_LOW ? 'PIN count low: wrong PINs entered' : ''].filter(Boolean);
        throw new TokenError(err.kind, notes.length ? `${err.message} (${notes.join('; ')})` : err.message, err.ckr);
      }
    }
    return new Pkcs11jsToken(p, slot, session);
  } catch (e) {
    try {
      if (initialized) p.C_Finalize();
      p.close();
    } catch {
      // Already gone.
    }
    throw wrapError(e, 'open token');
  }
}

export class Pkcs11jsToken implements Token {
  readonly mechanisms: ReadonlySet<Mechanism>;
  private closed = false;
  constructor(private readonly p: P.PKCS11, private readonly slot: Buffer, private readonly session: Buffer) {
    const pk = pkcs11();
    const listed = new Set(p.C_GetMechanismList(slot));
    this.mechanisms = new Set(MECH_NAMES.filter((n) => listed.has((pk as unknown as Record<string, number>)[`CKM_${n}`])));
  }

  private call<T>(what: string, fn: () => T): T {
    if (this.closed) throw new TokenError('SESSION_LOST', `${what}: the session is closed`);
    try {
      return fn();
    } catch (e) {
      throw wrapError(e, what);
    }
  }

  private h(x: TokenHandle): Buffer {
    if (!(x instanceof Handle) || x.token !== this) throw new TokenError('KEY', 'a key handle of another session');
    return x.h;
  }

  state(): TokenState {
    return this.call('token info', () => {
      const pk = pkcs11();
      const t = this.p.C_GetTokenInfo(this.slot);
      return {
        label: t.label.trim(), model: t.model.trim(),
        pinCountLow: !!(t.flags & pk.CKF_USER_PIN_COUNT_LOW), pinFinalTry: !!(t.flags & pk.CKF_USER_PIN_FINAL_TRY), pinLocked: !!(t.flags & pk.CKF_USER_PIN_LOCKED),
      };
    });
  }

  find(label: string): TokenHandle | null {
    return this.call('find key', () => {
      const pk = pkcs11();
      this.p.C_FindObjectsInit(this.session, [{ type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY }, { type: pk.CKA_TOKEN, value: true }, { type: pk.CKA_LABEL, value: label }]);
      try {
        const found = this.p.C_FindObjects(this.session, 2);
        return found.length === 1 ? new Handle(this, found[0]) : null;
      } finally {
        this.p.C_FindObjectsFinal(this.session);
      }
    });
  }

  labels(): string[] {
    return this.call('list keys', () => {
      const pk = pkcs11();
      this.p.C_FindObjectsInit(this.session, [{ type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY }, { type: pk.CKA_TOKEN, value: true }]);
      const out: Buffer[] = [];
      try {
        for (let batch = this.p.C_FindObjects(this.session, 100); batch.length; batch = this.p.C_FindObjects(this.session, 100)) out.push(...batch);
      } finally {
        this.p.C_FindObjectsFinal(this.session);
      }
      return out.map((h) => String(this.p.C_GetAttributeValue(this.session, h, [{ type: pk.CKA_LABEL }])[0].value ?? ''));
    });
  }

  info(x: TokenHandle): TokenKeyInfo {
    return this.call('key attributes', () => {
      const pk = pkcs11();
      const a = this.p.C_GetAttributeValue(this.session, this.h(x), [
        { type: pk.CKA_LABEL }, { type: pk.CKA_KEY_TYPE }, { type: pk.CKA_SENSITIVE }, { type: pk.CKA_EXTRACTABLE },
      ]);
      const keyType = (a[1].value as Buffer).readUIntLE(0, (a[1].value as Buffer).length > 6 ? 6 : (a[1].value as Buffer).length);
      let algorithm: TokenKeyAlgorithm;
      let length: number;
      if (keyType === pk.CKK_AES) {
        algorithm = 'AES';
        const v = this.p.C_GetAttributeValue(this.session, this.h(x), [{ type: pk.CKA_VALUE_LEN }])[0].value as Buffer;
        length = v.readUIntLE(0, Math.min(6, v.length));
      } else if (keyType === pk.CKK_DES2 || keyType === pk.CKK_DES3) {
        algorithm = 'DES3';
        length = keyType === pk.CKK_DES2 ? 16 : 24;
      } else throw new TokenError('KEY', `key type ${keyType} is neither AES nor 3DES`);
      const bool = (b: unknown) => Buffer.isBuffer(b) ? b[0] === 1 : !!b;
      return { label: String(a[0].value ?? ''), algorithm, length, sensitive: bool(a[2].value), extractable: bool(a[3].value) };
    });
  }

  private keyTemplate(algorithm: TokenKeyAlgorithm, length: number, persistent: boolean, label: string): P.Template {
    const pk = pkcs11();
    const keyType = algorithm === 'AES' ? pk.CKK_AES : length === 16 ? pk.CKK_DES2 : pk.CKK_DES3;
    return [
      { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY }, { type: pk.CKA_KEY_TYPE, value: keyType }, { type: pk.CKA_LABEL, value: label },
      { type: pk.CKA_TOKEN, value: persistent }, { type: pk.CKA_PRIVATE, value: true }, { type: pk.CKA_SENSITIVE, value: true }, { type: pk.CKA_EXTRACTABLE, value: false },
      { type: pk.CKA_ENCRYPT, value: true }, { type: pk.CKA_DECRYPT, value: false }, { type: pk.CKA_SIGN, value: algorithm === 'AES' }, { type: pk.CKA_DERIVE, value: true },
      { type: pk.CKA_WRAP, value: false }, { type: pk.CKA_UNWRAP, value: false },
    ];
  }

  create(k: NewKey): TokenHandle {
    return this.call('create key', () => {
      const pk = pkcs11();
      return new Handle(this, this.p.C_CreateObject(this.session, [...this.keyTemplate(k.algorithm, k.value.length, k.persistent, k.label), { type: pk.CKA_VALUE, value: k.value }]));
    });
  }

  destroy(x: TokenHandle): void {
    this.call('destroy key', () => this.p.C_DestroyObject(this.session, this.h(x)));
  }

  encrypt(mech: 'AES_ECB' | 'DES3_ECB' | 'AES_CBC' | 'DES3_CBC', x: TokenHandle, data: Buffer, iv?: Buffer): Buffer {
    return this.call(`encrypt ${mech}`, () => {
      const pk = pkcs11();
      const m = (pk as unknown as Record<string, number>)[`CKM_${mech}`];
      this.p.C_EncryptInit(this.session, iv ? { mechanism: m, parameter: iv } : { mechanism: m }, this.h(x));
      return this.p.C_Encrypt(this.session, data, Buffer.alloc(data.length));
    });
  }

  cmac(x: TokenHandle, data: Buffer): Buffer {
    return this.call('AES_CMAC', () => {
      const pk = pkcs11();
      this.p.C_SignInit(this.session, { mechanism: pk.CKM_AES_CMAC }, this.h(x));
      // pkcs11js passes an empty Buffer as a null pointer, which C_Sign refuses: no update, only the final.
      return data.length ? this.p.C_Sign(this.session, data, Buffer.alloc(16)) : this.p.C_SignFinal(this.session, Buffer.alloc(16));
    });
  }

  deriveCbc(mech: 'AES_CBC_ENCRYPT_DATA' | 'DES3_CBC_ENCRYPT_DATA', x: TokenHandle, iv: Buffer, data: Buffer): TokenHandle {
    return this.call(mech, () => {
      const pk = pkcs11();
      const aes = mech === 'AES_CBC_ENCRYPT_DATA';
      const parameter = aes ? { type: pk.CK_PARAMS_AES_CBC, iv, data } : { type: pk.CK_PARAMS_DES_CBC_ENCRYPT_DATA, iv, data };
      const tmpl = this.keyTemplate(aes ? 'AES' : 'DES3', data.length, false, 'per-card');
      if (aes) tmpl.push({ type: pk.CKA_VALUE_LEN, value: data.length });
      return new Handle(this, this.p.C_DeriveKey(this.session, { mechanism: pk[`CKM_${mech}`], parameter }, this.h(x), tmpl));
    });
  }

  alive(): boolean {
    if (this.closed) return false;
    try {
      this.p.C_GetSessionInfo(this.session);
      this.p.C_GetTokenInfo(this.slot);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const step of [() => this.p.C_Logout(this.session), () => this.p.C_CloseSession(this.session), () => this.p.C_Finalize(), () => this.p.close()]) {
      try {
        step();
      } catch {
        // A token that is gone cannot be logged out of; the rest still runs.
      }
    }
  }
}
