import type { Reconciliation, ShiftReport, VaultFigureName } from '../../../shared/contract/areas/reports';
import { REASONS, isReasonCode } from '../../../shared/domain/reasons';
import { maskPansInText } from '../../../shared/domain/pan';
import { differenceText } from './reconcile';

// Wording shared by the CSV and PDF exports, so both say the same thing.
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function reasonText(code: string): string {
  return isReasonCode(code) ? REASONS[code].summary : '';
}

export function percent(x: number | null): string {
  return x == null ? '—' : `${(x * 100).toFixed(1)} %`;
}

const fig = (x: number | null) => (x == null ? 'not recorded' : String(x));

/** The equation's lines: label, figure. */
export function equationRows(r: Reconciliation, verdict = verdictText(r)): [string, string][] {
  return [
    ['Issued from vault', fig(r.issuedFromVault)],
    ['Good (passed)', String(r.good)],
    ['Spoiled (failed, rejected, reworked)', String(r.spoiled)],
    ['Samples / test', fig(r.samples)],
    ['Returned to vault', fig(r.returnedToVault)],
    ['Accounted for (good + spoiled + samples + returned)', String(r.accounted)],
    ['Difference (issued - accounted)', r.difference == null ? 'unknown' : String(r.difference)],
    ['Result', verdict],
  ];
}

/** BALANCED, or why not: missing vault figures first, then the difference. */
export function verdictText(r: Reconciliation): string {
  if (r.balanced) return 'BALANCED';
  const missing = [r.issuedFromVault == null && 'issued from vault', r.samples == null && 'samples/test', r.returnedToVault == null && 'returned to vault'].filter(Boolean);
  if (missing.length) return `NOT BALANCED — not recorded: ${missing.join(', ')}`;
  return `NOT BALANCED — ${differenceText(r.difference)}`;
}

export const FIGURE_LABEL: Record<VaultFigureName, string> = { issued: 'issued from vault', samples: 'samples/test', returned: 'returned to vault' };

/** The shift's verdict: which batch lacks which vault figure first, then the total's verdict. */
export function shiftVerdictText(r: ShiftReport): string {
  if (!r.missingFigures.length) return verdictText(r.reconciliation);
  return `NOT BALANCED — ${r.missingFigures.map((m) => `batch ${m.batchId} lacks ${m.figures.map((f) => FIGURE_LABEL[f]).join(', ')}`).join('; ')}`;
}

/** A safe file-name part: letters, digits, dot, dash, underscore. */
export function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'report';
}

export function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

/** Free text from records or people (names, reasons) as it may be shown: PANs masked. */
export function safeText(s: string): string {
  return maskPansInText(s);
}
