import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderSideSvg } from '../../../shared/layout/svg';
import { layoutCard } from '../../../shared/layout/layout';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

// Readable from 3 m: WCAG contrast of the text colours the screens use (both themes), and of the
// card preview's embossed characters on the card.

function luminance(hex: string): number {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const c = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const css = readFileSync(new URL('../../../renderer/src/styles.css', import.meta.url), 'utf8');
function vars(selector: RegExp): Record<string, string> {
  const block = css.match(selector)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,6})/g)].map((m) => [m[1], m[2]]));
}
const light = vars(/:root\s*\{([^}]*)\}/);
const dark = { ...light, ...vars(/:root\[data-theme='dark'\]\s*\{([^}]*)\}/) };

// [text, background, where it is used]
const PAIRS: [string, string, string][] = [
  ['text', 'bg', 'page text'], ['text', 'surface', 'panel text'], ['text', 'surface-2', 'counters'],
  ['muted', 'surface', 'hints, labels'], ['muted', 'surface-2', 'counter labels'],
  ['ok', 'ok-bg', 'running state, passed'], ['ok', 'surface-2', 'passed counter'], ['bad', 'bad-bg', 'failed badge, errors'], ['bad', 'surface-2', 'failed counter'],
  ['warn', 'warn-bg', 'paused state, held'], ['accent', 'info-bg', 'finished state, in progress'], ['accent', 'surface', 'active tab'], ['accent-text', 'accent', 'primary button'],
];

for (const [name, theme] of [['light', light], ['dark', dark]] as const) {
  test(`text contrast ≥ 4.5:1 in the ${name} theme`, () => {
    const low = PAIRS.map(([fg, bg, where]) => ({ where, fg, bg, ratio: contrast(theme[fg], theme[bg]) })).filter((p) => p.ratio < 4.5);
    assert.deepEqual(low.map((p) => `${p.where}: --${p.fg} on --${p.bg} is ${p.ratio.toFixed(2)}:1`), []);
    assert.ok(contrast('#ffffff', theme.estop) >= 4.5, `emergency stop label: ${contrast('#ffffff', theme.estop).toFixed(2)}:1`);
  });
}

test('the preview draws embossed characters at ≥ 4.5:1 on the card', () => {
  const svg = renderSideSvg(layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: true, features: SAMPLE_FEATURES }), 'front');
  const card = svg.match(/<rect class="card"[^>]*fill="(#[0-9a-f]{6})"/i)![1];
  const faces = [...svg.matchAll(/<text class="glyphs"[^>]*fill="(#[0-9a-f]{6})"/gi)].map((m) => m[1]);
  assert.ok(faces.length > 0, 'the sample has embossed text');
  for (const f of faces) assert.ok(contrast(f, card) >= 4.5, `${f} on ${card}: ${contrast(f, card).toFixed(2)}:1`);
});
