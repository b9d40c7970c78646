import { aesCbcDecrypt, unpad80 } from '../../devices/chip/crypto/block';

// The card's half of the issuer-DEK scheme (see electron/devices/chip/dataprep.ts): the chip
// vendor loaded the issuer DEK at pre-personalization; an encrypted DGI is AES-CBC under it,
// zero IV per DGI, padded 80 00... Only the card runs this: the station has no such key.
export function decryptIssuerDgi(cipher: Buffer, issuerDek: Buffer): Buffer | null {
  if (cipher.length === 0 || cipher.length % 16) return null;
  return unpad80(aesCbcDecrypt(issuerDek, cipher));
}
