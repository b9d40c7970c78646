import type { CardRow } from '../../../shared/contract/dto';

export function row(id: number, extra: Partial<CardRow> = {}): CardRow {
  return {
    id, batchId: 'B1', recordIndex: id, recordId: `R${id}`, attempt: 1, maskedPan: '411111******1111',
    state: 'queued', step: null, slot: null, progress: null, reason: null, message: null, updatedAt: 1000 + id, ...extra,
  };
}
