import type { Counts } from '../../../shared/contract/dto';
import { t } from '../i18n/t';

// Pure formatting for the screens; no React, so unit tests run it directly.

const intFmt = new Intl.NumberFormat('en-US');

export function formatCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? t('counters.unknown') : intFmt.format(Math.round(n));
}

/** A duration for people: "2 h 05 min", "4 min 09 s", "12 s"; unknown → "—". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return t('counters.unknown');
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return t('time.hms', { h, m: String(m).padStart(2, '0') });
  if (m > 0) return t('time.ms', { m, s: String(sec).padStart(2, '0') });
  return t('time.s', { s: sec });
}

export function formatRate(perHour: number | null | undefined): string {
  if (perHour == null || !Number.isFinite(perHour)) return t('counters.unknown');
  return intFmt.format(Math.round(perHour));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local time as YYYY-MM-DD HH:MM:SS (unambiguous on the shop floor and sortable). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Epoch ms as a date-time field shows it: local "YYYY-MM-DD HH:MM", the format of every date on screen. */
export function formatDateTimeInput(ms: number): string {
  return formatTimestamp(ms).slice(0, 16);
}

/** A date-time field's value ("YYYY-MM-DD HH:MM[:SS]", or with "T" as the browser writes it) as local epoch ms, or undefined. */
export function parseLocalDateTime(v: string): number | undefined {
  if (!v) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v.trim());
  if (!m) return undefined;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  return Number.isNaN(d.getTime()) ? undefined : d.getTime();
}

/** Attributes of a date-time text field: ISO 24-hour whatever the browser's locale (date inputs follow it). */
export const DATE_TIME_FIELD = { type: 'text', inputMode: 'numeric', placeholder: 'YYYY-MM-DD HH:MM', pattern: '\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?', spellCheck: false } as const;

export interface Tally {
  total: number;
  done: number;
  passed: number;
  /** Every card that failed, decided or not. */
  failed: number;
  /** Failed cards still waiting for a supervisor. */
  awaitingDecision: number;
  remaining: number;
}

export function tally(c: Counts | null | undefined): Tally | null {
  if (!c) return null;
  const failed = c.failed + c.rejected + c.reworked;
  return {
    total: c.total,
    done: c.passed + failed,
    passed: c.passed,
    failed,
    awaitingDecision: c.failed,
    remaining: c.queued + c.inProgress + c.held,
  };
}

/** 0..100 rounded down, so "100 %" only shows when it is really done. */
export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
