// Layout of a typical card (the sample payment-card template) into everything the station
// makes from it: the unmasked layout into emboss jobs and laser G-code, the masked layout into
// the front and back SVG previews. Target: ≤ 2 ms a card (the designer view re-renders while a
// supervisor types, so it must also stay far below a 16 ms frame). Floor: building a string of
// the same size as the two SVGs by bare concatenation, in the same run.
import { performance } from 'node:perf_hooks';
import { median, report } from './report';
import type { CardRecord } from '../shared/domain/record';
import { luhnCheckDigit } from '../shared/domain/pan';
import { layoutCard } from '../shared/layout/layout';
import { renderSideSvg } from '../shared/layout/svg';
import { embossJobs } from '../shared/layout/emboss-jobs';
import { laserJobs } from '../shared/layout/gcode';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../shared/layout/samples';

const NAMES = ['DOE/JOHN A', 'MUSTERMANN/ERIKA', 'LEE/KIM', "O'NEIL/SEAN", 'VAN DER BERG/ANNA MARIA'];
const records: CardRecord[] = Array.from({ length: 64 }, (_, i) => {
  const body = '400012' + String(100000000 + i * 7919).slice(0, 9);
  return { ...SAMPLE_RECORD, recordId: `R${i}`, pan: body + luhnCheckDigit(body), name: NAMES[i % NAMES.length], cvv2: String(100 + i) };
});

let sink = 0;
function oneCard(r: CardRecord): number {
  const device = layoutCard(SAMPLE_TEMPLATE, r, { maskPan: false, features: SAMPLE_FEATURES });
  const jobs = embossJobs(device);
  const gcode = laserJobs(device);
  const shown = layoutCard(SAMPLE_TEMPLATE, r, { maskPan: true, features: SAMPLE_FEATURES });
  const svg = renderSideSvg(shown, 'front').length + renderSideSvg(shown, 'back').length;
  return jobs.length + gcode[0].gcode.length + svg;
}

const svgChars = (() => {
  const shown = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: true, features: SAMPLE_FEATURES });
  return renderSideSvg(shown, 'front').length + renderSideSvg(shown, 'back').length;
})();
const PIECE = '<text x="11.600 15.230" y="32.560">';
function floorCard(i: number): number {
  let s = '';
  while (s.length < svgChars) s += PIECE + i;
  return s.length;
}

function perCard(fn: (i: number) => number, batches: number, perBatch: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) sink += fn(b * perBatch + i);
    out.push((performance.now() - t0) / perBatch);
  }
  return out;
}

// Warm up the JIT on both paths, then measure interleaved so both see the same machine state.
perCard((i) => oneCard(records[i % records.length]), 20, 50);
perCard(floorCard, 20, 50);
const card: number[] = [];
const floor: number[] = [];
for (let round = 0; round < 10; round++) {
  card.push(...perCard((i) => oneCard(records[i % records.length]), 20, 50));
  floor.push(...perCard(floorCard, 20, 50));
}
const value = median(card);
const fl = median(floor);
report({ name: 'layout: card → emboss jobs + G-code + 2 SVGs (median/card)', value, unit: 'ms', floor: fl, ratio: value / fl, target: '≤ 2 ms', met: value <= 2 });

const preview = median(perCard((i) => {
  const shown = layoutCard(SAMPLE_TEMPLATE, records[i % records.length], { maskPan: true, features: SAMPLE_FEATURES });
  return renderSideSvg(shown, 'front').length + renderSideSvg(shown, 'back').length;
}, 200, 20));
report({ name: 'layout: designer re-render, layout + 2 SVGs (median)', value: preview, unit: 'ms', floor: fl, ratio: preview / fl, target: '≪ 16 ms (one frame)', met: preview < 16 });
if (sink === 42) console.log('');
