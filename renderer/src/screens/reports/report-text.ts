import type { Reconciliation } from '../../../../shared/contract/areas/reports';
import { t } from '../../i18n/t';

// Pure wording and parsing for the reports view (no React, so unit tests run it directly).

/** The verdict in plain words: balanced, how many missing/extra, or figures missing. */
export function verdict(r: Reconciliation): { ok: boolean; text: string } {
  if (r.issuedFromVault == null || r.samples == null || r.returnedToVault == null) return { ok: false, text: t('recon.incomplete') };
  if (r.balanced) return { ok: true, text: t('recon.balanced') };
  const d = r.difference ?? 0;
  return { ok: false, text: d > 0 ? t('recon.missing', { n: d }) : t('recon.extra', { n: -d }) };
}

/** +2, 0, −3 */
export function signed(n: number | null): string {
  if (n == null) return t('recon.notRecorded');
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

export function percentText(ratio: number | null): string {
  return ratio == null ? t('counters.unknown') : `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`;
}

export interface VaultFields {
  issuedFromVault: string;
  samples: string;
  returnedToVault: string;
  reason: string;
}

export type VaultParse =
  | { ok: true; value: { issuedFromVault?: number; samples?: number; returnedToVault?: number; reason: string } }
  | { ok: false; error: string; field: keyof VaultFields };

/** Empty figures are left as they are (the station keeps the recorded value); "0" is a figure. */
export function parseVault(f: VaultFields): VaultParse {
  const value: { issuedFromVault?: number; samples?: number; returnedToVault?: number; reason: string } = { reason: f.reason.trim() };
  let any = false;
  for (const k of ['issuedFromVault', 'samples', 'returnedToVault'] as const) {
    const s = f[k].trim();
    if (!s) continue;
    if (!/^\d{1,8}$/.test(s)) return { ok: false, error: t('vault.invalid'), field: k };
    value[k] = Number(s);
    any = true;
  }
  if (!any) return { ok: false, error: t('vault.nothing'), field: 'issuedFromVault' };
  if (value.reason.length < 3) return { ok: false, error: t('decide.reasonShort'), field: 'reason' };
  return { ok: true, value };
}

/** A round upper bound for a chart axis: 1, 2, 5 × 10^k at or above max (at least 1). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Minutes as "2 h 05 min" / "12 min" for downtime. */
export function durationText(ms: number): string {
  if (ms > 0 && ms < 1000) return t('charts.underSecond');
  const min = Math.round(ms / 60_000);
  if (min < 1) return t('time.s', { s: Math.round(ms / 1000) });
  const h = Math.floor(min / 60);
  return h ? t('time.hms', { h, m: String(min % 60).padStart(2, '0') }) : t('time.ms', { m: min, s: '00' });
}
