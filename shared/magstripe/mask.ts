import { maskPan } from '../domain/pan';

// Track text for display: the PAN masked (first 6 / last 4 at most) and everything after it
// replaced by a fixed `***`, so neither the data nor its length shows. Accepts a full track
// (`%B…?`, `;…?`) or the data the encoder protocol carries (`B…`, PAN…).
export function maskTrack(track: string | null | undefined): string {
  if (!track) return '';
  const m = /^([%;]?)(B?)(\d+)([=^]?)/.exec(track);
  if (!m) return '***';
  const [, start, format, pan, sep] = m;
  return `${start}${format}${maskPan(pan)}${sep}***`;
}
