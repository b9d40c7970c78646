// What the station needs of a PKCS#11 token, as a small interface: the real one over pkcs11js
// (pkcs11js-token.ts) and an in-process twin for unit tests (mock-token.ts). Keys are referred to
// by opaque handles; nothing here returns the value of a key object.

export type TokenKeyAlgorithm = 'AES' | 'DES3';

/** A key object on the token. Opaque to everyone but the token that made it. */
export interface TokenHandle {
  readonly token: unknown;
}

/** The mechanisms the station can use, by PKCS#11 name, as the token lists them. */
export type Mechanism =
  | 'AES_ECB' | 'AES_CBC' | 'AES_CMAC' | 'AES_CBC_ENCRYPT_DATA'
  | 'DES3_ECB' | 'DES3_CBC' | 'DES3_CBC_ENCRYPT_DATA' | 'XOR_BASE_AND_DATA';

export interface TokenKeyInfo {
  label: string;
  algorithm: TokenKeyAlgorithm;
  /** Bytes. */
  length: number;
  sensitive: boolean;
  extractable: boolean;
}

export interface TokenState {
  label: string;
  model: string;
  /** CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED as the token reports them. */
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
}

export interface NewKey {
  label: string;
  algorithm: TokenKeyAlgorithm;
  /** The key value. The caller zeroes it after the call. */
  value: Buffer;
  /** true: a token object that outlives the session (a master key); false: a session object (per card). */
  persistent: boolean;
}

/**
 * One logged-in session on one token. Every call may throw a TokenError; its `kind` says what
 * the device panel shows (see token-errors.ts).
 */
export interface Token {
  readonly mechanisms: ReadonlySet<Mechanism>;
  state(): TokenState;
  find(label: string): TokenHandle | null;
  info(h: TokenHandle): TokenKeyInfo;
  /** Labels of the secret keys stored on the token (token objects). */
  labels(): string[];
  create(k: NewKey): TokenHandle;
  destroy(h: TokenHandle): void;
  /** Encrypts whole blocks: AES_ECB / DES3_ECB, or CBC with the given IV. */
  encrypt(mech: 'AES_ECB' | 'DES3_ECB' | 'AES_CBC' | 'DES3_CBC', h: TokenHandle, data: Buffer, iv?: Buffer): Buffer;
  /** AES-CMAC (C_Sign), full 16-byte tag. */
  cmac(h: TokenHandle, data: Buffer): Buffer;
  /** C_DeriveKey with AES_CBC_ENCRYPT_DATA / DES3_CBC_ENCRYPT_DATA: a session key object, sensitive and not extractable. */
  deriveCbc(mech: 'AES_CBC_ENCRYPT_DATA' | 'DES3_CBC_ENCRYPT_DATA', h: TokenHandle, iv: Buffer, data: Buffer): TokenHandle;
  /** Another session is still usable (C_GetSessionInfo succeeds). */
  alive(): boolean;
  close(): void;
}

export type TokenErrorKind = 'NOT_PRESENT' | 'WRONG_PIN' | 'PIN_LOCKED' | 'SESSION_LOST' | 'NO_MODULE' | 'MECHANISM' | 'KEY' | 'OTHER';

export class TokenError extends Error {
  constructor(readonly kind: TokenErrorKind, message: string, readonly ckr?: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Sorts a PKCS#11 return value into what the station does about it. */
export function classifyCkr(ckr: string): TokenErrorKind {
  switch (ckr) {
    case 'CKR_TOKEN_NOT_PRESENT':
    case 'CKR_TOKEN_NOT_RECOGNIZED':
    case 'CKR_SLOT_ID_INVALID':
    case 'CKR_DEVICE_REMOVED':
      return 'NOT_PRESENT';
    case 'CKR_PIN_INCORRECT':
    case 'CKR_PIN_INVALID':
    case 'CKR_PIN_LEN_RANGE':
      return 'WRONG_PIN';
    case 'CKR_PIN_LOCKED':
      return 'PIN_LOCKED';
    case 'CKR_SESSION_HANDLE_INVALID':
    case 'CKR_SESSION_CLOSED':
    case 'CKR_USER_NOT_LOGGED_IN':
    case 'CKR_DEVICE_ERROR':
    case 'CKR_CRYPTOKI_NOT_INITIALIZED':
    case 'CKR_GENERAL_ERROR':
      return 'SESSION_LOST';
    case 'CKR_MECHANISM_INVALID':
    case 'CKR_MECHANISM_PARAM_INVALID':
      return 'MECHANISM';
    case 'CKR_KEY_HANDLE_INVALID':
    case 'CKR_KEY_TYPE_INCONSISTENT':
    case 'CKR_KEY_FUNCTION_NOT_PERMITTED':
    case 'CKR_OBJECT_HANDLE_INVALID':
      return 'KEY';
    default:
      return 'OTHER';
  }
}
