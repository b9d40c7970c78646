import { randomBytes } from 'node:crypto';
import { diversifyKeys, type Diversification } from '../../../electron/devices/chip/crypto/diversify';
import { parseScp02Init, Scp02HostSession } from '../../../electron/devices/chip/scp/scp02';
import { parseScp03Init, Scp03HostSession } from '../../../electron/devices/chip/scp/scp03';
import type { ScpCrypto, SecurityLevel } from '../../../electron/devices/chip/scp/types';
import type { BlankCard } from '../../../electron/sim/card/blank-card';

// Drives a virtual card's security domain directly with the host-side session classes.
export const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
export const sw = (r: Buffer) => r.subarray(r.length - 2).toString('hex').toUpperCase();

export async function send(card: BlankCard, apdu: Buffer | string): Promise<Buffer> {
  return card.transmit(typeof apdu === 'string' ? hex(apdu) : apdu);
}

export async function initUpdate(card: BlankCard, master: Buffer, o: { scp: 'SCP02' | 'SCP03'; div: Diversification; level: SecurityLevel }) {
  await send(card, '00A4040008A00000015100000000');
  const hostChallenge = randomBytes(8);
  const r = await send(card, Buffer.concat([hex('8050000008'), hostChallenge, hex('00')]));
  if (sw(r) !== '9000') return { sw: sw(r), session: null };
  const data = r.subarray(0, r.length - 2);
  const statics = diversifyKeys(master, o.scp === 'SCP02' ? 'DES3' : 'AES', o.div, data.subarray(0, 10));
  const session: ScpCrypto =
    o.scp === 'SCP02'
      ? new Scp02HostSession(statics, hostChallenge, parseScp02Init(data)!, o.level)
      : new Scp03HostSession(statics, hostChallenge, parseScp03Init(data)!, o.level);
  return { sw: '9000', session };
}

export async function openSession(card: BlankCard, master: Buffer, o: { scp: 'SCP02' | 'SCP03'; div: Diversification; level: SecurityLevel }): Promise<ScpCrypto> {
  const { session } = await initUpdate(card, master, o);
  if (!session || !session.verifyCardCryptogram()) throw new Error('card cryptogram mismatch');
  const r = await send(card, session.externalAuthenticate());
  if (sw(r) !== '9000') throw new Error(`EXTERNAL AUTHENTICATE ${sw(r)}`);
  return session;
}
