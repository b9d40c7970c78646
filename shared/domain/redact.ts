import { maskPan } from './pan';
import type { Problem } from './problems';

// The last guard before text leaves the station core (an error to a renderer, a problem on the
// CLI): whatever a message or a problem carries, a card number shows at most 6 + 4 digits, long
// digit and hex runs (track, discretionary, DGI data) and track-shaped text are dropped, control
// characters cannot forge lines, and nothing is longer than a person can read. The checks that
// produce the text never quote card data in the first place; this catches what they missed.

/**
 * 12 or more digits, alone or grouped by up to three separators each: white space, . - _ / , and
 * the invisible or control characters a hostile file can slip between groups (TAB, NUL, U+200B,
 * U+2028). A colon is not one, so a time of day does not join a date into a "card number".
 */
const SEP = '[\\s.\\-_/,\\p{Cc}\\p{Cf}\\u2028\\u2029]';
const DIGIT_RUN = new RegExp(`\\d(?:${SEP}{0,3}\\d){11,}`, 'gu');
/** More than 6 digits (grouped as above) at the end of a cut text: the head of a card number. */
const CUT_PAN_HEAD = new RegExp(`(\\d(?:${SEP}{0,3}\\d){5})((?:${SEP}{0,3}\\d)+)$`, 'u');
/** Digits after a track separator (= or ^) are discretionary data or an expiry: never shown. */
const AFTER_SEPARATOR = /([=^])\d[\d ]*/g;
/** Track 1 (%B…^…^…?) or track 2 (;…=…?) shaped text. */
const TRACK = /[%;][A-Za-z]?\d[^?\n]{6,}\??/g;
/**
 * 16 or more hex digits, also as bytes split by spaces or colons: key material, DGI or cryptogram
 * data. Masked before the digit runs, so a digit head cannot be taken for a card number and leave
 * the rest of the key; a run with no letter is left to the card-number mask (6 + 4 shown).
 */
const HEX_RUN = /[0-9A-Fa-f]{16,}/g;
/** The same as bytes split by single spaces or colons, standing as words of their own. */
const HEX_BYTES = /(?<![0-9A-Za-z])[0-9A-Fa-f]{2}(?:[ :][0-9A-Fa-f]{2}){7,}(?![0-9A-Za-z])/g;
const hexOrDigits = (run: string) => (/[A-Fa-f]/.test(run) ? '[hex]' : run);
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

function maskRun(run: string): string {
  const digits = run.replace(/\D/g, '');
  if (digits.length > 19) return `[${digits.length} digits]`;
  return maskPan(digits);
}

export function redactText(text: string, max = 300): string {
  // Masked on a bounded prefix (a 10 MB name costs nothing), then cut.
  let s = String(text).slice(0, max + 64);
  // Card data first, while the characters that may hide it between digit groups are still there.
  s = s.replace(TRACK, '[track data]');
  s = s.replace(AFTER_SEPARATOR, '$1…');
  s = s.replace(HEX_RUN, hexOrDigits);
  s = s.replace(HEX_BYTES, hexOrDigits);
  s = s.replace(DIGIT_RUN, maskRun);
  s = s.replace(UNSAFE, '?');
  if (s.length > max || text.length > max + 64) {
    s = s.slice(0, max);
    // A cut may leave the head of a card number: more than 6 digits at the end are masked.
    s = s.replace(CUT_PAN_HEAD, (_m, head: string, rest: string) => head + rest.replace(/\d/g, '*'));
    s += '…';
  }
  return s;
}

/** A problem as it may leave the core: every text redacted and cut. */
export function redactProblem(p: Problem): Problem {
  const out: Problem = { record: typeof p.record === 'number' ? p.record : null, field: redactText(String(p.field ?? ''), 80), message: redactText(String(p.message ?? ''), 300) };
  if (p.recordId !== undefined && p.recordId !== null) out.recordId = redactText(String(p.recordId), 40);
  return out;
}
