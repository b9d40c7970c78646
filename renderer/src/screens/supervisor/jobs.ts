import type { BatchSummary, EngineStatus } from '../../../../shared/contract/dto';

export interface JobRow {
  batchId: string;
  productName: string;
  state: BatchSummary['state'];
  running: boolean;
  queued: number;
  inProgress: number;
  good: number;
  /** Failed, rejected or reworked: the card itself is spoiled, whatever was decided. */
  spoiled: number;
  held: number;
  total: number;
}

/** The open batches as job rows; the engine's counts (pushed with every card) win for its batch. */
export function jobRows(batches: readonly BatchSummary[], status: EngineStatus | null): JobRow[] {
  return batches
    .filter((b) => b.state !== 'closed')
    .map((b) => {
      const live = status?.batchId === b.batchId && status.counts ? status.counts : b.counts;
      const running = status?.batchId === b.batchId && (status.state === 'running' || status.state === 'paused' || status.state === 'pausing');
      return {
        batchId: b.batchId, productName: b.productName, state: b.state, running,
        queued: live.queued, inProgress: live.inProgress, good: live.passed, spoiled: live.failed + live.rejected + live.reworked, held: live.held, total: live.total,
      };
    });
}
