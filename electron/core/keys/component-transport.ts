import { createDecipheriv, createECDH, hkdfSync, randomUUID, type ECDH } from 'node:crypto';
import { secureBuffer } from '../../devices/pkcs11/secure-buffer';

// How a custodian's component travels from the screen to the station without becoming a string in
// the station's JavaScript heap (a string cannot be zeroed; a JSON message is one). The station
// hands out a one-use P-256 key for the ceremony; the screen encrypts the component bytes under
// ECDH + HKDF-SHA256 + AES-256-GCM (WebCrypto, renderer/src/stores/seal-component.ts), with the
// ceremony id as associated data; the station decrypts straight into an off-heap Buffer that the
// key store zeroes once it has used it. Only ciphertext and public keys cross the bridge or IPC.

export const COMPONENT_INFO = 'perso-station key component v1';

export interface SealedComponent {
  keyRef: string;
  /** The screen's ephemeral public key, uncompressed P-256, base64. */
  publicKey: string;
  iv: string;
  /** AES-GCM ciphertext with its 16-byte tag at the end (WebCrypto's layout), base64. */
  ct: string;
}

export class ComponentTransport {
  private readonly keys = new Map<string, { ecdh: ECDH; ceremonyId: string; at: number }>();
  constructor(private readonly ttlMs = 10 * 60_000, private readonly now: () => number = Date.now) {}

  /** A one-use station key for one component of `ceremonyId`. */
  offer(ceremonyId: string): { keyRef: string; publicKey: string } {
    for (const [ref, k] of this.keys) if (this.now() - k.at > this.ttlMs) this.keys.delete(ref);
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys().toString('base64');
    const keyRef = randomUUID();
    this.keys.set(keyRef, { ecdh, ceremonyId, at: this.now() });
    return { keyRef, publicKey };
  }

  /** The component bytes (off-heap; the caller zeroes them), or null when it does not decrypt for this ceremony. */
  open(ceremonyId: string, s: SealedComponent): Buffer | null {
    const k = this.keys.get(s.keyRef);
    this.keys.delete(s.keyRef);
    if (!k || k.ceremonyId !== ceremonyId) return null;
    let secret: Buffer | null = null;
    let aesKey: Buffer | null = null;
    let plain: Buffer | null = null;
    try {
      secret = k.ecdh.computeSecret(Buffer.from(s.publicKey, 'base64'));
      aesKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), COMPONENT_INFO, 32));
      const body = Buffer.from(s.ct, 'base64');
      if (body.length < 17) return null;
      const d = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(s.iv, 'base64'));
      d.setAAD(Buffer.from(ceremonyId, 'utf8'));
      d.setAuthTag(body.subarray(body.length - 16));
      plain = d.update(body.subarray(0, body.length - 16));
      d.final();
      const out = secureBuffer(plain.length);
      plain.copy(out);
      return out;
    } catch {
      return null;
    } finally {
      secret?.fill(0);
      aesKey?.fill(0);
      plain?.fill(0);
    }
  }
}
