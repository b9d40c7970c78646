import { KEYS_CALLS, type CeremonyStatusDto } from '../../../../shared/contract/areas/keys';
import type { CallError } from '../../../../shared/contract/dto';
import type { AreaDeps, HandlersFor } from '../area';
import { CallRefused } from '../dispatch';
import type { Connection, SessionUser } from '../types';
import { KeyStoreError, type CeremonyStatus } from '../../keys';
import { ComponentTransport } from '../../keys/component-transport';
import { secureBuffer } from '../../../devices/pkcs11/secure-buffer';

// Handlers of the keys calls: a thin layer over the station's key store (station.keys), which
// enforces dual control and audits every step with KCVs only. This layer adds the session
// check, turns key-store refusals into call refusals, and makes sure a component never
// travels further than the store: it is not logged, not quoted in a refusal, not returned.

const STORE_CODES: Record<KeyStoreError['code'], CallError['code']> = {
  FORBIDDEN: 'FORBIDDEN',
  INVALID: 'VALIDATION',
  KEY_EXISTS: 'CONFLICT',
  NO_CEREMONY: 'NOT_FOUND',
  SAME_CUSTODIAN: 'CONFLICT',
  TEST_KEY: 'VALIDATION',
  WEAK_KEY: 'VALIDATION',
  DAMAGED: 'INTERNAL',
  HSM_UNAVAILABLE: 'BUSY',
  NO_KEY: 'NOT_FOUND',
};

/** Runs a key-store operation; its refusals (whose messages never quote key data) become call refusals. */
function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KeyStoreError) throw new CallRefused(STORE_CODES[e.code] ?? 'INTERNAL', e.message);
    throw e;
  }
}

/**
 * The component as bytes, or a refusal naming the rule it broke — never the text itself, which
 * may be a real component with one typo.
 */
export function parseComponent(text: string, length: number): Buffer {
  const clean = text.replace(/\s+/g, '');
  const want = `a component of this key is ${length * 2} hex digits (0-9, A-F; spaces allowed)`;
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new CallRefused('VALIDATION', `the component is not hexadecimal: ${want}`);
  if (clean.length !== length * 2) throw new CallRefused('VALIDATION', `the component has ${clean.length} hex digits: ${want}`);
  // Off the V8 heap, so the store's fill(0) leaves no copy (the text itself cannot be cleared: the screen sends `sealed`).
  const out = secureBuffer(length);
  out.write(clean, 'hex');
  return out;
}

function toDto(s: CeremonyStatus): CeremonyStatusDto {
  return {
    ceremonyId: s.id, keyId: s.keyId, algorithm: s.algorithm, length: s.length, components: s.components, remaining: s.components - s.entered.length,
    entered: s.entered.map((e) => ({ index: e.index, custodian: e.custodian, kcv: e.kcv })), startedBy: s.startedBy, startedAt: s.startedAt,
  };
}

export function keysHandlers(d: AreaDeps): HandlersFor<typeof KEYS_CALLS> {
  const keys = () => d.station.keys;
  const actor = (user: SessionUser, conn: Connection) => ({ username: user.username, role: user.role, origin: conn.origin });
  // Ceremonies opened through this API, so a custodian logging in after the administrator can find them.
  const open = new Set<string>();
  const transport = new ComponentTransport();
  const status = (ceremonyId: string): CeremonyStatus => {
    const s = keys().ceremonyStatus(ceremonyId);
    if (!s) {
      open.delete(ceremonyId);
      throw new CallRefused('NOT_FOUND', 'no such key ceremony (finished, aborted or expired)');
    }
    return s;
  };

  return {
    'keys.list': (_i, conn) => {
      d.need(conn, 'key.manage');
      return keys().list();
    },
    'keys.ceremony.start': (i, conn) => {
      const user = d.need(conn, 'key.manage');
      const ceremonyId = refusing(() => keys().startCeremony({ keyId: i.keyId, label: i.label, algorithm: i.algorithm, length: i.length, components: i.components, test: i.test }, actor(user, conn)));
      open.add(ceremonyId);
      return toDto(status(ceremonyId));
    },
    'keys.ceremony.component': (i, conn) => {
      const user = d.need(conn, 'key.custody');
      const c = status(i.ceremonyId);
      let part: Buffer;
      try {
        if (i.sealed) {
          const opened = transport.open(i.ceremonyId, i.sealed);
          if (!opened) throw new CallRefused('VALIDATION', 'the encrypted component does not open for this ceremony: ask for a new transport key and enter it again');
          if (opened.length !== c.length) {
            opened.fill(0);
            throw new CallRefused('VALIDATION', `the component has ${opened.length * 2} hex digits: a component of this key is ${c.length * 2} hex digits`);
          }
          part = opened;
        } else if (i.componentHex != null) part = parseComponent(i.componentHex, c.length);
        else throw new CallRefused('VALIDATION', 'enter the component');
      } catch (e) {
        d.station.log({ type: 'key.component', severity: 'warn', outcome: 'failure', user: user.username, origin: conn.origin, resource: `key:${c.keyId}`, message: `malformed component for ${c.keyId} refused (${(e as Error).message.split(':')[0]})`, data: { ceremony: c.id, reason: 'MALFORMED' } });
        throw e;
      }
      // The store zeroes the Buffer once it is XORed in (or refused).
      const r = refusing(() => keys().enterComponent(i.ceremonyId, actor(user, conn), part));
      if (r.remaining === 0) open.delete(i.ceremonyId);
      return { index: r.index, kcv: r.kcv, remaining: r.remaining, ...(r.key ? { keyKcv: r.key.kcv } : {}) };
    },
    'keys.ceremony.transportKey': (i, conn) => {
      d.need(conn, 'key.custody');
      status(i.ceremonyId);
      return transport.offer(i.ceremonyId);
    },
    'keys.ceremony.status': (i, conn) => {
      d.need(conn, 'key.custody');
      return toDto(status(i.ceremonyId));
    },
    'keys.ceremony.list': (_i, conn) => {
      d.need(conn, 'key.custody');
      const out: CeremonyStatusDto[] = [];
      for (const ceremonyId of [...open]) {
        const s = keys().ceremonyStatus(ceremonyId);
        if (s) out.push(toDto(s));
        else open.delete(ceremonyId);
      }
      return out;
    },
    'keys.delete': (i, conn) => {
      const user = d.need(conn, 'key.manage');
      return { state: refusing(() => keys().deleteKey(i.keyId, actor(user, conn))) };
    },
    'keys.hsm.pin': (i, conn) => {
      const user = d.need(conn, 'key.manage');
      const prompt = d.station.deviceSet.keyStore?.pinPrompt;
      if (!prompt) throw new CallRefused('CONFLICT', 'this station does not ask for an HSM PIN (keyStore.pin is not "prompt")');
      prompt(i.pin);
      d.station.log({ type: 'key.hsm.pin', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: 'keystore', message: `${user.username} entered the HSM user PIN` });
      return { ok: true as const };
    },
    'keys.ceremony.abort': (i, conn) => {
      const user = d.need(conn, 'key.manage');
      status(i.ceremonyId);
      refusing(() => keys().abortCeremony(i.ceremonyId, actor(user, conn)));
      open.delete(i.ceremonyId);
      return { ok: true as const };
    },
  };
}
