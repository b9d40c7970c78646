import type { CardRecord } from '../../../shared/domain/record';
import type { StepKind } from '../../../shared/domain/product';
import type { ReadBack } from './step';

// The same PAN and expiry must come back from every module that can read them (chip, stripe);
// a difference rejects the card. The message names the modules, never the numbers.
export function crosscheck(record: CardRecord, readBacks: { step: StepKind; rb: ReadBack }[]): string | null {
  for (const { step, rb } of readBacks) {
    if (rb.pan !== undefined && rb.pan !== record.pan) return `the card number read back from the ${step} differs from the record`;
    if (rb.expiry !== undefined && rb.expiry !== record.expiry) return `the expiry read back from the ${step} differs from the record`;
  }
  return null;
}
