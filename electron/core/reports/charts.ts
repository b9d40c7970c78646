import type { Charts } from '../../../shared/contract/areas/reports';
import type { ReasonCount } from './reconcile';
import { sortReasons } from './reconcile';

// Chart data as pure functions: throughput buckets, yield, reject reasons.
export const MAX_BUCKETS = 2000;

export class ChartRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartRangeError';
  }
}

/**
 * Cards finished per bucket. Buckets are aligned to multiples of the bucket size since the epoch
 * (10-minute buckets start at :00, :10, …) and every bucket of the range is present, empty or not,
 * so a chart's time axis is continuous.
 */
export function throughputBuckets(from: number, to: number, bucketMs: number, cards: Iterable<{ at: number; good: boolean }>): Charts['throughput'] {
  if (!(bucketMs > 0) || !Number.isInteger(bucketMs)) throw new ChartRangeError('the bucket size must be a positive whole number of milliseconds');
  const first = Math.floor(from / bucketMs);
  const n = Math.floor(to / bucketMs) - first + 1;
  if (n > MAX_BUCKETS) throw new ChartRangeError(`${n} buckets asked, at most ${MAX_BUCKETS}: choose larger buckets or a shorter range`);
  const buckets = Array.from({ length: n }, (_, i) => ({ start: (first + i) * bucketMs, passed: 0, spoiled: 0 }));
  for (const c of cards) {
    if (c.at < from || c.at > to) continue;
    const b = buckets[Math.floor(c.at / bucketMs) - first];
    if (c.good) b.passed++;
    else b.spoiled++;
  }
  return { bucketMs, buckets };
}

export function yieldFigures(passed: number, spoiled: number): Charts['yield'] {
  const processed = passed + spoiled;
  return { passed, processed, ratio: processed ? passed / processed : null };
}

/** Sums reason counts from several batches. */
export function mergeReasons(lists: Iterable<readonly ReasonCount[]>): ReasonCount[] {
  const m = new Map<string, number>();
  for (const l of lists) for (const r of l) m.set(r.reason, (m.get(r.reason) ?? 0) + r.count);
  return sortReasons(m);
}
