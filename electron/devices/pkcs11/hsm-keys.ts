import type { TokenAccess } from './provider';
import { TokenError, type Token, type TokenKeyAlgorithm } from './token';

// What the key ceremony does on the token: create the master key as a token object (sensitive,
// not extractable), compute key check values inside the token, delete a key. Used by the core's
// key store (electron/core/keys/store.ts) when the station's keys live in an HSM.

export interface HsmKeyWriter {
  /** Creates the token object from `value` (the caller zeroes it) and returns its KCV, computed by the token. */
  createKey(keyId: string, algorithm: TokenKeyAlgorithm, value: Buffer): string;
  /** KCV of a value computed by the token (a session object made and destroyed for it). */
  kcv(algorithm: TokenKeyAlgorithm, value: Buffer): string;
  /** KCV of a key already on the token, or null when it is not there. */
  kcvOf(keyId: string): string | null;
  deleteKey(keyId: string): boolean;
  /** The token combines components itself (CKM_XOR_BASE_AND_DATA listed). */
  combinesInToken(): boolean;
  describe(): string;
}

function kcvBlock(algorithm: TokenKeyAlgorithm): Buffer {
  // The same convention as the software store: 3DES 00×8, AES 01×16 (GP Amd D §7.2.2).
  return algorithm === 'AES' ? Buffer.alloc(16, 1) : Buffer.alloc(8);
}

/** Passes a key value to the token from another process (key-loader.mjs); returns the token's KCV. */
export type KeyLoader = (op: 'create' | 'kcv', keyId: string, algorithm: TokenKeyAlgorithm, value: Buffer) => string;

export function createHsmKeyWriter(access: TokenAccess, loader?: KeyLoader): HsmKeyWriter {
  const token = (): Token => {
    try {
      return access.current();
    } catch (e) {
      throw new TokenError(e instanceof TokenError ? e.kind : 'OTHER', `key store: ${access.describe()}`);
    }
  };
  const ecbKcv = (t: Token, h: ReturnType<Token['create']>, algorithm: TokenKeyAlgorithm) =>
    t.encrypt(algorithm === 'AES' ? 'AES_ECB' : 'DES3_ECB', h, kcvBlock(algorithm)).subarray(0, 3).toString('hex').toUpperCase();
  return {
    createKey(keyId, algorithm, value) {
      const t = token();
      if (t.find(keyId)) throw new TokenError('KEY', `a key labelled ${keyId} is already on the token`);
      if (loader) return loader('create', keyId, algorithm, value);
      const h = t.create({ label: keyId, algorithm, value, persistent: true });
      const info = t.info(h);
      if (!info.sensitive || info.extractable) {
        t.destroy(h);
        throw new TokenError('KEY', `the token did not keep ${keyId} sensitive and not extractable`);
      }
      return ecbKcv(t, h, algorithm);
    },
    kcv(algorithm, value) {
      const t = token();
      if (loader) return loader('kcv', 'kcv', algorithm, value);
      const h = t.create({ label: 'kcv', algorithm, value, persistent: false });
      try {
        return ecbKcv(t, h, algorithm);
      } finally {
        t.destroy(h);
      }
    },
    kcvOf(keyId) {
      const t = token();
      const h = t.find(keyId);
      return h ? ecbKcv(t, h, t.info(h).algorithm) : null;
    },
    deleteKey(keyId) {
      const t = token();
      const h = t.find(keyId);
      if (!h) return false;
      t.destroy(h);
      return true;
    },
    combinesInToken: () => {
      try {
        return token().mechanisms.has('XOR_BASE_AND_DATA');
      } catch {
        return false;
      }
    },
    describe: () => access.describe(),
  };
}
