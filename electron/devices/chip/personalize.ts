import { randomBytes } from 'node:crypto';
import type { ChipProfile } from '../../../shared/chip/profile';
import type { CardRecord } from '../../../shared/domain/record';
import { describeSw, encodeApdu, swHex, type ApduChannel } from './apdu-channel';
import { planStoreData, type DgiInput } from './dgi';
import type { ChipKeyProvider, KeyRefusal, ScpCrypto } from './keys';
import { ChipFailure, failureFromAbort, failureFromTransportError, type ChipLog, type ChipResult } from './result';
import { findTag } from './tlv';

// Personalizes one chip over an ApduChannel, GlobalPlatform style:
//   ATR check → SELECT security domain → INITIALIZE UPDATE → card cryptogram check →
//   EXTERNAL AUTHENTICATE → INSTALL [for personalization] → STORE DATA of every DGI →
//   GET STATUS (life cycle, still inside the secure channel, which GP requires for it) →
//   SELECT application → READ RECORD of the record holding 5A/5F24 → crosscheck with the record.
// Issuer-encrypted DGIs go out byte for byte with the encrypted-data bits set in P1: the card
// decrypts them with the issuer DEK loaded at pre-personalization; the station holds no key
// that could. Messages and the log name steps, DGI tags and status words, never data.

export type { ChipResult, ChipLog } from './result';

export interface PersonalizeOptions {
  channel: ApduChannel;
  atr: Buffer;
  profile: ChipProfile;
  productIsTest: boolean;
  record: CardRecord;
  keys: ChipKeyProvider;
  signal?: AbortSignal;
  onProgress?(fraction: number, note: string): void;
  /** Per-APDU answer timeout handed to the channel (default 10 s). */
  apduTimeoutMs?: number;
  /**
   * A retry: the key diversification data (INITIALIZE UPDATE) of the card the first attempt
   * worked on. A card that answers with other data is another card: nothing is sent to it.
   */
  expectCard?: Buffer;
  /** Told the card's key diversification data as soon as INITIALIZE UPDATE answered. */
  onCardIdentity?(kdd: Buffer): void;
}

// Status words after which trying the same card again cannot help: the card is locked, the
// object is missing, conditions not met, memory full — and 6581 (memory failure: the card's
// memory is damaged) and 6A80 (incorrect data: the card refused what it was given), which a
// second attempt would only repeat on a card that already holds part of the record.
const FINAL_SW = new Set([0x6983, 0x6a82, 0x6a88, 0x6985, 0x6a84, 0x6581, 0x6a80]);

function statusFailure(step: string, sw: number): ChipFailure {
  if (sw === 0x6983) return new ChipFailure('CHIP_CARD_LOCKED', `${step}: ${describeSw(sw)}`, false);
  return new ChipFailure('CHIP_STATUS', `${step}: ${describeSw(sw)}`, !FINAL_SW.has(sw));
}

class Run {
  readonly log: ChipLog = { apdus: 0, ms: 0, statusWords: [] };
  step = 'ATR check';
  private readonly sendOpts: { timeoutMs: number };
  constructor(private readonly o: PersonalizeOptions) {
    this.sendOpts = { timeoutMs: o.apduTimeoutMs ?? 10_000 };
  }

  async send(step: string, apdu: Buffer): Promise<{ data: Buffer; sw: number }> {
    this.step = step;
    const signal = this.o.signal;
    if (signal?.aborted) throw failureFromAbort(signal, step);
    this.log.apdus++;
    let r: Buffer;
    try {
      r = await this.o.channel.transmit(apdu, this.sendOpts);
    } catch (e) {
      throw failureFromTransportError(e, step);
    }
    if (r.length < 2) throw new ChipFailure('CHIP_STATUS', `${step}: malformed answer of ${r.length} byte(s)`, true);
    const sw = (r[r.length - 2] << 8) | r[r.length - 1];
    this.log.statusWords.push(swHex(sw));
    return { data: r.subarray(0, r.length - 2), sw };
  }

  async ok(step: string, apdu: Buffer): Promise<Buffer> {
    const { data, sw } = await this.send(step, apdu);
    if (sw !== 0x9000) throw statusFailure(step, sw);
    return data;
  }

  progress(fraction: number, note: string): void {
    try {
      this.o.onProgress?.(fraction, note);
    } catch {
      // A progress listener's fault must not fail the card.
    }
  }
}

function checkAtr(atr: Buffer, expected: ChipProfile['atr']): void {
  const value = Buffer.from(expected.value, 'hex');
  const mask = expected.mask ? Buffer.from(expected.mask, 'hex') : Buffer.alloc(value.length, 0xff);
  if (mask.length !== value.length) throw new ChipFailure('CHIP_ATR_MISMATCH', 'the product ATR mask is not as long as its ATR value', false);
  let same = atr.length === value.length;
  for (let i = 0; same && i < value.length; i++) same = (atr[i] & mask[i]) === (value[i] & mask[i]);
  if (!same) throw new ChipFailure('CHIP_ATR_MISMATCH', `ATR ${atr.toString('hex').toUpperCase()} does not match the product's card stock`, false);
}

function decodeDgis(record: CardRecord): DgiInput[] {
  const list = record.dgis ?? [];
  if (!list.length) throw new ChipFailure('DATA_INVALID', 'record field dgis is empty: no chip data to store', false);
  return list.map((d, i) => {
    if (!/^[0-9A-Fa-f]{4}$/.test(d.dgi) || d.data.length % 2 || !/^[0-9A-Fa-f]*$/.test(d.data))
      throw new ChipFailure('DATA_INVALID', `record field dgis[${i}] is not a valid DGI`, false);
    return { dgi: d.dgi, data: Buffer.from(d.data, 'hex'), encrypted: d.encrypted === true };
  });
}

async function authenticate(o: PersonalizeOptions, run: Run, keep: (s: ScpCrypto) => void): Promise<ScpCrypto> {
  const p = o.profile;
  const hostChallenge = randomBytes(8);
  const iu = await run.send('INITIALIZE UPDATE', encodeApdu({ cla: 0x80, ins: 0x50, p1: p.keyVersion, p2: 0, data: hostChallenge, le: 0 }));
  if (iu.sw !== 0x9000) throw statusFailure('INITIALIZE UPDATE', iu.sw);
  const kdd = Buffer.from(iu.data.subarray(0, 10));
  if (o.expectCard && !kdd.equals(o.expectCard))
    throw new ChipFailure('CHIP_CARD_CHANGED', 'INITIALIZE UPDATE: the card in the head is not the one the first attempt worked on (other key diversification data); nothing was sent to it', false);
  o.onCardIdentity?.(kdd);
  const scpId = iu.data.length >= 12 ? iu.data[11] : -1;
  if (scpId !== (p.scp === 'SCP02' ? 0x02 : 0x03))
    throw new ChipFailure('CHIP_AUTH_FAILED', `INITIALIZE UPDATE: the card does not answer as ${p.scp} (answer of ${iu.data.length} bytes)`, false);
  const opened = await o.keys.openScp({
    keyId: p.keyId,
    scp: p.scp,
    allowTestKeys: o.productIsTest,
    diversification: p.diversification,
    kdd: iu.data.subarray(0, 10),
    hostChallenge,
    cardResponse: iu.data,
    securityLevel: p.securityLevel,
  });
  if (!opened.ok) {
    if (opened.code === 'BAD_CARD_RESPONSE') throw new ChipFailure('CHIP_AUTH_FAILED', `INITIALIZE UPDATE: ${opened.message}`, false);
    throw keyFailure(opened);
  }
  const s = opened.session;
  keep(s);
  if (!s.verifyCardCryptogram())
    throw new ChipFailure(
      'CHIP_AUTH_FAILED',
      `INITIALIZE UPDATE: the card cryptogram does not match key "${p.keyId}" (${p.scp}, ${p.diversification} diversification); EXTERNAL AUTHENTICATE not sent`,
      false,
    );
  const ea = await run.send('EXTERNAL AUTHENTICATE', s.externalAuthenticate());
  if (ea.sw === 0x6300 || ea.sw === 0x6982) throw new ChipFailure('CHIP_AUTH_FAILED', `EXTERNAL AUTHENTICATE: ${describeSw(ea.sw)}`, false);
  if (ea.sw !== 0x9000) throw statusFailure('EXTERNAL AUTHENTICATE', ea.sw);
  return s;
}

/** A key store that is down (HSM token absent, session lost) fails the card retryably with its own reason. */
function keyFailure(r: KeyRefusal): ChipFailure {
  if (r.code === 'KEY_STORE_UNAVAILABLE') return new ChipFailure('CHIP_KEY_STORE', r.message, true);
  return new ChipFailure('CHIP_NO_KEY', r.message, false);
}

function bcdDigits(b: Buffer): string {
  return b.toString('hex').toUpperCase().replace(/F+$/, '');
}

async function steps(o: PersonalizeOptions, run: Run, keep: (s: ScpCrypto) => void): Promise<{ pan: string; expiry: string }> {
  const p = o.profile;
  checkAtr(o.atr, p.atr);
  const dgis = decodeDgis(o.record);
  run.step = 'key check';
  const kc = await o.keys.checkKey({ keyId: p.keyId, scp: p.scp, allowTestKeys: o.productIsTest });
  if (!kc.ok) throw keyFailure(kc);

  run.progress(0.02, 'select security domain');
  await run.ok('SELECT security domain', encodeApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: Buffer.from(p.securityDomainAid, 'hex'), le: 0 }));
  run.progress(0.05, 'open secure channel');
  const s = await authenticate(o, run, keep);

  const app = Buffer.from(p.applicationAid, 'hex');
  run.progress(0.12, 'install for personalization');
  const installData = Buffer.concat([Buffer.from([0x00, 0x00, app.length]), app, Buffer.from([0x00, 0x00, 0x00])]);
  await run.ok('INSTALL [for personalization]', s.wrap({ cla: 0x80, ins: 0xe6, p1: 0x20, p2: 0x00, data: installData }));

  const blocks = planStoreData(dgis, s.maxData);
  if (blocks.length > 256) throw new ChipFailure('DATA_INVALID', `record field dgis needs ${blocks.length} STORE DATA blocks, more than 256`, false);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    run.progress(0.15 + (0.7 * i) / blocks.length, `store DGI ${b.dgi}`);
    await run.ok(`STORE DATA block ${i} (DGI ${b.dgi})`, s.wrap({ cla: 0x80, ins: 0xe2, p1: b.p1, p2: i, data: b.data }));
  }

  run.progress(0.87, 'verify');
  const status = await run.ok('GET STATUS', s.wrap({ cla: 0x80, ins: 0xf2, p1: 0x40, p2: 0x02, data: Buffer.concat([Buffer.from([0x4f, app.length]), app]), le: 0 }));
  const lc = findTag(status, 0x9f70);
  if (!lc || lc.length < 1) throw new ChipFailure('CHIP_VERIFY_MISMATCH', 'GET STATUS: no life cycle state for the application', false);
  if (lc[0] !== p.personalizedLifecycle)
    throw new ChipFailure('CHIP_VERIFY_MISMATCH', `GET STATUS: application life cycle ${swHex(lc[0]).slice(2)}, expected ${swHex(p.personalizedLifecycle).slice(2)}`, false);

  await run.ok('SELECT application', encodeApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: app, le: 0 }));
  const { sfi, record } = p.readBack;
  const step = `READ RECORD SFI ${sfi} record ${record}`;
  const rec = await run.ok(step, encodeApdu({ cla: 0x00, ins: 0xb2, p1: record, p2: (sfi << 3) | 0x04, le: 0 }));
  const pan5a = findTag(rec, 0x5a);
  const exp = findTag(rec, 0x5f24);
  if (!pan5a || !exp || exp.length !== 3) throw new ChipFailure('CHIP_VERIFY_MISMATCH', `${step}: no PAN (5A) or expiry (5F24) in the record`, false);
  const pan = bcdDigits(pan5a);
  const expiry = exp.toString('hex').slice(0, 4);
  if (pan !== o.record.pan) throw new ChipFailure('CHIP_VERIFY_MISMATCH', `${step}: the chip's PAN (5A) differs from the record`, false);
  if (expiry !== o.record.expiry) throw new ChipFailure('CHIP_VERIFY_MISMATCH', `${step}: the chip's expiry (5F24) differs from the record`, false);
  run.progress(1, 'done');
  return { pan, expiry };
}

export async function personalizeChip(o: PersonalizeOptions): Promise<ChipResult> {
  const t0 = performance.now();
  const run = new Run(o);
  let session: ScpCrypto | null = null;
  try {
    const readBack = await steps(o, run, (s) => (session = s));
    return { ok: true, readBack, log: { ...run.log, ms: performance.now() - t0 } };
  } catch (e) {
    const f = e instanceof ChipFailure ? e : new ChipFailure('INTERNAL', `${run.step}: internal error (${(e as Error)?.name ?? 'unknown'})`, false);
    return { ok: false, reason: f.reason, message: f.message, retryable: f.retryable, log: { ...run.log, ms: performance.now() - t0, failedStep: run.step } };
  } finally {
    (session as ScpCrypto | null)?.close();
  }
}
