// Encrypts a custodian's component for the station (see electron/core/keys/component-transport.ts):
// ECDH P-256 with the station's one-use key, HKDF-SHA256, AES-256-GCM with the ceremony id as
// associated data. The component is parsed from the typed text into bytes here, so what crosses to
// the station is ciphertext only; the byte array is cleared after encryption.

const INFO = 'perso-station key component v1';
const b64 = (b: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(b instanceof Uint8Array ? b : new Uint8Array(b))));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The component's bytes, or null when the text is not whole hex bytes (spaces allowed). */
export function componentBytes(text: string): Uint8Array<ArrayBuffer> | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) return null;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export async function sealComponent(bytes: Uint8Array<ArrayBuffer>, ceremonyId: string, station: { keyRef: string; publicKey: string }, subtle: SubtleCrypto = crypto.subtle) {
  const mine = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const theirs = await subtle.importKey('raw', unb64(station.publicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const bits = await subtle.deriveBits({ name: 'ECDH', public: theirs }, mine.privateKey, 256);
  const hkdf = await subtle.importKey('raw', bits, 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(INFO) }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(ceremonyId) }, key, bytes as Uint8Array<ArrayBuffer>);
  bytes.fill(0);
  new Uint8Array(bits).fill(0);
  return { keyRef: station.keyRef, publicKey: b64(await subtle.exportKey('raw', mine.publicKey)), iv: b64(iv), ct: b64(ct) };
}
