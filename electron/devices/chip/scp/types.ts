import type { Command } from '../apdu-channel';

export type ScpKind = 'SCP02' | 'SCP03';
export type SecurityLevel = 'CMAC' | 'CMAC_CDEC';

/** Security level byte of EXTERNAL AUTHENTICATE P1. */
export const SECURITY_LEVEL_BYTE: Record<SecurityLevel, number> = { CMAC: 0x01, CMAC_CDEC: 0x03 };

/**
 * One secure-channel session as the station uses it. The session keys stay inside: a software
 * implementation holds them in memory, an HSM implementation would hold handles. Nothing here
 * returns a key, a cryptogram on its own, or decrypted data.
 */
export interface ScpCrypto {
  readonly scp: ScpKind;
  readonly level: SecurityLevel;
  /** Plain data bytes that fit one short command once wrapped at this level. */
  readonly maxData: number;
  /** True when the card's cryptogram from INITIALIZE UPDATE proves it holds the same keys. */
  verifyCardCryptogram(): boolean;
  /** EXTERNAL AUTHENTICATE with host cryptogram and C-MAC; throws unless the card cryptogram verified. */
  externalAuthenticate(): Buffer;
  /** Wraps a plain command (CLA 80 or 00) for the authenticated session: C-MAC, plus C-DECRYPTION at CMAC_CDEC. */
  wrap(cmd: Command): Buffer;
  /** Forgets the session keys. */
  close(): void;
}

export function wrapCapacity(scp: ScpKind, level: SecurityLevel): number {
  if (level === 'CMAC') return 255 - 8;
  // The data grows to the next whole block (padding 80 always added), plus the 8-byte MAC.
  const block = scp === 'SCP02' ? 8 : 16;
  return Math.floor((255 - 8) / block) * block - 1;
}
