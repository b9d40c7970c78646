import { aesCbcEncrypt, aesEcbEncrypt, des3CbcEncrypt, des3EcbEncrypt } from '../chip/crypto/block';
import { aesCmac } from '../chip/crypto/mac';
import { TokenError, type Mechanism, type NewKey, type Token, type TokenHandle, type TokenKeyAlgorithm, type TokenKeyInfo, type TokenState } from './token';

// An in-process twin of a PKCS#11 token for unit tests: the same interface as pkcs11js-token.ts,
// keys in a Map, a switchable mechanism list (e.g. the p11-kit client's ECB-only view) and
// switches for the faults a real token shows (pulled, session lost, PIN counters). Never used by
// the station itself.

class MockHandle implements TokenHandle {
  constructor(readonly token: MockToken, readonly id: number) {}
}

interface Obj {
  label: string;
  algorithm: TokenKeyAlgorithm;
  value: Buffer;
  persistent: boolean;
}

export const FULL_MECHANISMS: Mechanism[] = ['AES_ECB', 'AES_CBC', 'AES_CMAC', 'AES_CBC_ENCRYPT_DATA', 'DES3_ECB', 'DES3_CBC', 'DES3_CBC_ENCRYPT_DATA'];
export const ECB_ONLY: Mechanism[] = ['AES_ECB', 'DES3_ECB'];

export class MockToken implements Token {
  mechanisms: Set<Mechanism>;
  present = true;
  sessionLost = false;
  pin = { countLow: false, finalTry: false, locked: false };
  readonly calls: string[] = [];
  private readonly objects = new Map<number, Obj>();
  private next = 1;
  constructor(o: { mechanisms?: Mechanism[]; label?: string } = {}) {
    this.mechanisms = new Set(o.mechanisms ?? FULL_MECHANISMS);
    this.label = o.label ?? 'mock';
  }
  readonly label: string;

  private up(what: string): void {
    this.calls.push(what);
    if (!this.present) throw new TokenError('NOT_PRESENT', `${what}: CKR_DEVICE_REMOVED`, 'CKR_DEVICE_REMOVED');
    if (this.sessionLost) throw new TokenError('SESSION_LOST', `${what}: CKR_SESSION_HANDLE_INVALID`, 'CKR_SESSION_HANDLE_INVALID');
  }
  private obj(h: TokenHandle): Obj {
    const o = h instanceof MockHandle && h.token === this ? this.objects.get(h.id) : undefined;
    if (!o) throw new TokenError('KEY', 'CKR_KEY_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID');
    return o;
  }
  private need(m: Mechanism): void {
    if (!this.mechanisms.has(m)) throw new TokenError('MECHANISM', `${m}: CKR_MECHANISM_INVALID`, 'CKR_MECHANISM_INVALID');
  }

  state(): TokenState {
    this.up('state');
    return { label: this.label, model: 'mock', pinCountLow: this.pin.countLow, pinFinalTry: this.pin.finalTry, pinLocked: this.pin.locked };
  }
  find(label: string): TokenHandle | null {
    this.up('find');
    for (const [id, o] of this.objects) if (o.persistent && o.label === label) return new MockHandle(this, id);
    return null;
  }
  labels(): string[] {
    this.up('labels');
    return [...this.objects.values()].filter((o) => o.persistent).map((o) => o.label);
  }
  info(h: TokenHandle): TokenKeyInfo {
    this.up('info');
    const o = this.obj(h);
    return { label: o.label, algorithm: o.algorithm, length: o.value.length, sensitive: true, extractable: false };
  }
  create(k: NewKey): TokenHandle {
    this.up('create');
    const id = this.next++;
    this.objects.set(id, { label: k.label, algorithm: k.algorithm, value: Buffer.from(k.value), persistent: k.persistent });
    return new MockHandle(this, id);
  }
  destroy(h: TokenHandle): void {
    this.up('destroy');
    this.obj(h).value.fill(0);
    this.objects.delete((h as MockHandle).id);
  }
  encrypt(mech: 'AES_ECB' | 'DES3_ECB' | 'AES_CBC' | 'DES3_CBC', h: TokenHandle, data: Buffer, iv?: Buffer): Buffer {
    this.up(mech);
    this.need(mech);
    const v = this.obj(h).value;
    if (mech === 'AES_ECB') return aesEcbEncrypt(v, data);
    if (mech === 'DES3_ECB') return des3EcbEncrypt(v, data);
    if (mech === 'AES_CBC') return aesCbcEncrypt(v, data, iv);
    return des3CbcEncrypt(v, data, iv);
  }
  cmac(h: TokenHandle, data: Buffer): Buffer {
    this.up('AES_CMAC');
    this.need('AES_CMAC');
    return aesCmac(Buffer.from(this.obj(h).value), data);
  }
  deriveCbc(mech: 'AES_CBC_ENCRYPT_DATA' | 'DES3_CBC_ENCRYPT_DATA', h: TokenHandle, iv: Buffer, data: Buffer): TokenHandle {
    this.up(mech);
    this.need(mech);
    const o = this.obj(h);
    const value = mech === 'AES_CBC_ENCRYPT_DATA' ? aesCbcEncrypt(o.value, data, iv) : des3CbcEncrypt(o.value, data, iv);
    const id = this.next++;
    this.objects.set(id, { label: 'per-card', algorithm: mech === 'AES_CBC_ENCRYPT_DATA' ? 'AES' : 'DES3', value, persistent: false });
    return new MockHandle(this, id);
  }
  /** Session objects still alive (per-card keys not destroyed). */
  sessionObjects(): number {
    return [...this.objects.values()].filter((o) => !o.persistent).length;
  }
  alive(): boolean {
    return this.present && !this.sessionLost;
  }
  close(): void {
    for (const [id, o] of this.objects) if (!o.persistent) this.objects.delete(id);
  }
}
