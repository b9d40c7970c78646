import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CARD } from '../../../shared/layout/geometry';
import { layoutCard, type GraphicItem, type TextItem } from '../../../shared/layout/layout';
import { renderSideSvg } from '../../../shared/layout/svg';
import { embossJobs } from '../../../shared/layout/emboss-jobs';
import { laserJobs } from '../../../shared/layout/gcode';
import { LayoutTemplateSchema } from '../../../shared/layout/template';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

// The preview (masked) and the device outputs (unmasked) must come from the same positions:
// parse both back and compare them, character by character and segment by segment.

type Pt = [number, number];
const key = (p: Pt) => `${p[0].toFixed(3)},${p[1].toFixed(3)}`;

/** Glyph positions of every emboss/indent element in an SVG, as layout coordinates. */
function svgGlyphs(svg: string): Map<string, { chars: string; at: Pt[] }> {
  const out = new Map<string, { chars: string; at: Pt[] }>();
  const re = /<g data-el="([^"]+)" data-kind="(emboss|indent)"[^>]*>(.*?)<\/g>/g;
  for (const m of svg.matchAll(re)) {
    const t = /<text class="glyphs" x="([^"]*)" y="([^"]*)"[^>]*>([^<]*)<\/text>/.exec(m[3])!;
    const y = CARD.height - Number(t[2]);
    const chars = t[3].replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    out.set(m[1], { chars, at: t[1].split(' ').map((x) => [Number(x), Number(y.toFixed(3))]) });
  }
  return out;
}

/** Polylines of laser strokes and raster lines in an SVG, as layout coordinates. */
function svgPaths(svg: string, cls: 'strokes' | 'raster'): Pt[][] {
  const lines: Pt[][] = [];
  for (const m of svg.matchAll(new RegExp(`<path class="${cls}" d="([^"]*)"`, 'g'))) {
    for (const sub of m[1].split('M').filter(Boolean)) {
      if (cls === 'raster') {
        const [, x0, y, x1] = /^(\S+) (\S+)H(\S+)$/.exec(sub)!;
        const yy = Number((CARD.height - Number(y)).toFixed(3));
        lines.push([[Number(x0), yy], [Number(x1), yy]]);
      } else lines.push(sub.split('L').map((p) => { const [x, y] = p.split(' ').map(Number); return [x, Number((CARD.height - y).toFixed(3))]; }));
    }
  }
  return lines;
}

/** Replays G-code: every G0 starts a polyline, every G1 extends it (only burnt moves kept). */
function gcodePolylines(gcode: string[]): Pt[][] {
  const out: Pt[][] = [];
  let cur: Pt[] | null = null;
  for (const line of gcode) {
    const x = /X(-?[\d.]+)/.exec(line);
    const y = /Y(-?[\d.]+)/.exec(line);
    if (line.startsWith('G0 ')) cur = [[Number(x![1]), Number(y![1])]];
    else if (line.startsWith('G1 ')) {
      if (cur!.length === 1) out.push(cur!);
      cur!.push([Number(x![1]), Number(y![1])]);
    }
  }
  return out;
}

const unmasked = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false, features: SAMPLE_FEATURES });
const masked = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: true, features: SAMPLE_FEATURES });

test('every embossed and indented character is at the same place in the preview and in the emboss jobs', () => {
  const jobs = embossJobs(unmasked);
  const svg = new Map([...svgGlyphs(renderSideSvg(masked, 'front')), ...svgGlyphs(renderSideSvg(masked, 'back'))]);
  assert.equal(jobs.length, 4);
  assert.equal(svg.size, jobs.length);
  for (const j of jobs) {
    const fromJob: Pt[] = [];
    let chars = '';
    for (let i = 0; i < j.text.length; i++)
      if (j.text[i] !== ' ') {
        fromJob.push([Number((j.x + i * j.pitch).toFixed(3)), j.y]);
        chars += j.text[i];
      }
    const shown = svg.get(j.element!)!;
    assert.deepEqual(shown.at.map(key), fromJob.map(key), j.element);
    assert.equal(shown.chars.length, chars.length);
    for (let i = 0; i < chars.length; i++) if (shown.chars[i] !== '*') assert.equal(shown.chars[i], chars[i], `${j.element} char ${i + 1}`);
  }
  // The preview really is masked and the device line is not.
  assert.equal(svg.get('layout.front[0]')!.chars, '411111******1111');
  assert.equal(jobs[0].text, '4111 1111 1111 1111');
  assert.equal(svg.get('layout.back[0]')!.chars, '***');
  assert.equal(jobs[3].text, '123');
  assert.ok(!renderSideSvg(masked, 'back').includes('123'), 'the CVV2 never reaches the preview');
});

test('the G-code toolpath replays the laser strokes and raster lines the preview draws', () => {
  const [job] = laserJobs(unmasked);
  assert.equal(job.side, 'back');
  const burnt = gcodePolylines(job.gcode);
  const text = unmasked.back.filter((i): i is TextItem => i.kind === 'laserText');
  const graphic = unmasked.back.find((i): i is GraphicItem => i.kind === 'laserGraphic')!;
  const layoutStrokes = text.flatMap((t) => t.strokes.map((pl) => pl.map((p) => [p[0], p[1]] as Pt)));
  const layoutRaster = graphic.lines.map((l) => [[l.x0, l.y], [l.x1, l.y]] as Pt[]);
  // Text strokes come first, in order, point for point.
  assert.deepEqual(burnt.slice(0, layoutStrokes.length).map((pl) => pl.map(key)), layoutStrokes.map((pl) => pl.map(key)));
  // Raster lines are run serpentine: compare as undirected segments.
  const seg = (pl: Pt[]) => [key(pl[0]), key(pl[1])].sort().join('|');
  const gRaster = burnt.slice(layoutStrokes.length);
  assert.deepEqual(gRaster.map(seg).sort(), layoutRaster.map(seg).sort());
  const svg = renderSideSvg(masked, 'back');
  assert.deepEqual(svgPaths(svg, 'strokes').map((pl) => pl.map(key)), layoutStrokes.map((pl) => pl.map(key)));
  assert.deepEqual(svgPaths(svg, 'raster').map(seg).sort(), layoutRaster.map(seg).sort());
  // Specific points: the logo's top row is 0.2 mm under its top edge (15 + 4.8 − 0.4/2).
  assert.ok(graphic.lines.some((l) => l.y === 19.6 && l.x0 === 68.8 && l.x1 === 71.2));
});

test('device outputs refuse a masked layout', () => {
  assert.throws(() => embossJobs(masked), /unmasked/);
  assert.throws(() => laserJobs(masked), /unmasked/);
});

test('back-view coordinates are what the indenter gets; x runs left to right as read on the back', () => {
  const [, , , cvv] = embossJobs(unmasked);
  assert.deepEqual({ side: cvv.side, x: cvv.x, y: cvv.y, pitch: cvv.pitch, font: cvv.font, source: cvv.source }, { side: 'back', x: 50, y: 29.2, pitch: 2.54, font: 'indent', source: 'cvv2' });
});

test('escapes text in the SVG and stays self-contained', () => {
  const t = LayoutTemplateSchema.parse({ front: [{ type: 'emboss', font: '1B', x: 10, y: 8, value: { literal: "O'NEIL & <SONS>" } }] });
  const svg = renderSideSvg(layoutCard(t, SAMPLE_RECORD, { maskPan: true }), 'front');
  assert.ok(svg.includes('O&#39;NEIL&amp;&lt;SONS&gt;'));
  assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(svg), 'every ampersand is an entity');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 85.600 53.980"'));
  assert.ok(!/href=|<image|url\(/.test(svg), 'no external references');
  assert.match(svg, /rx="3.18"/);
});

test('the preview draws the fixed features the product has, and only those', () => {
  const front = renderSideSvg(masked, 'front');
  const back = renderSideSvg(masked, 'back');
  assert.match(front, /class="chip"/);
  assert.equal((front.match(/data-pad="C\d"/g) ?? []).length, 6);
  assert.match(back, /class="stripe"/);
  assert.match(back, /class="signature"/);
  const bare = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: true });
  assert.doesNotMatch(renderSideSvg(bare, 'front'), /class="chip"/);
  assert.doesNotMatch(renderSideSvg(bare, 'back'), /class="stripe"/);
});
