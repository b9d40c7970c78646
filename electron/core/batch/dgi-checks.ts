import type { ChipProfile } from '../../../shared/chip/profile';
import type { CardRecord } from '../../../shared/domain/record';
import type { Problem } from '../../../shared/domain/problems';
import { wrapCapacity } from '../../devices/chip/scp/types';

// A record's DGIs checked at import against what the chip step will do with them: STORE DATA
// carries a DGI of at most 65,535 bytes, a card takes at most 256 blocks (P2 is one byte), each
// block as large as the product's secure channel allows; the product's chip profile may name the
// DGI tags its application takes and the longest DGI. A tag twice would overwrite data on the card.
const MAX_BLOCKS = 256;

export function checkDgis(chip: ChipProfile, r: CardRecord, n: number): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ record: n, recordId: r.recordId, field, message });
  const dgis = r.dgis ?? [];
  const capacity = wrapCapacity(chip.scp, chip.securityLevel);
  const allowed = chip.dgis?.allowed ? new Set(chip.dgis.allowed.map((t) => t.toUpperCase())) : null;
  const max = Math.min(chip.dgis?.maxBytes ?? 0xffff, 0xffff);
  const seen = new Map<string, number>();
  let blocks = 0;
  dgis.forEach((d, i) => {
    const tag = d.dgi.toUpperCase();
    const bytes = d.data.length / 2;
    const first = seen.get(tag);
    if (first !== undefined) add(`dgis[${i}].dgi`, `repeats the DGI tag of dgis[${first}]`);
    else seen.set(tag, i);
    if (allowed && !allowed.has(tag)) add(`dgis[${i}].dgi`, "is not a DGI tag the product's chip profile takes");
    if (bytes > max) add(`dgis[${i}].data`, `is ${bytes} bytes; the longest DGI the product takes is ${max} bytes`);
    blocks += Math.ceil((bytes + (bytes < 0xff ? 3 : 5)) / capacity);
  });
  if (blocks > MAX_BLOCKS) add('dgis', `needs ${blocks} STORE DATA blocks; a card takes at most ${MAX_BLOCKS}`);
  return problems;
}
