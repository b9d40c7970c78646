import type { Problem } from '../domain/problems';
import type { CardRecord } from '../domain/record';
import { EMBOSS_FONTS, firstMissingChar } from './emboss-fonts';
import { STROKE_CHARSET } from './stroke-font';
import { decodeBitmap, type Bitmap } from './bitmap';
import { NO_FEATURES, productFeatures, type ProductFeatures } from './features';
import { SECRET_BINDINGS, formatValue, resolveText, sourceOf, type Resolved } from './bind';
import { checkItems, type Finding } from './checks';
import { elementPath, layoutCard, placeGraphic, placeText, type GraphicItem, type LayoutItem } from './layout';
import { LayoutTemplateSchema, SIDES, type GraphicElement, type LayoutTemplate, type Side, type TextElement } from './template';

// Template checks when a product loads (validateTemplate) and per-record checks when a batch
// imports (validateLayoutForRecord). Messages name the element and the field, never the data:
// a character outside a font is named by its position (and shown only for non-secret fields).

function charsetOf(el: TextElement): { name: string; chars: string } {
  if (el.type === 'laserText') return { name: 'laser stroke font', chars: STROKE_CHARSET };
  const f = EMBOSS_FONTS[el.type === 'indent' ? 'indent' : el.font];
  return { name: `font ${f.name}`, chars: f.charset };
}

const NUMERIC = new Set(['pan', 'expiry', 'cvv2', 'serviceCode']);
const NOMINAL_LENGTH: Record<string, number> = { pan: 16, expiry: 4, name: 26, embossName: 26, cvv2: 4, serviceCode: 3, recordId: 12 };

/** The longest text a bound element is expected to carry, for load-time geometry checks. */
function nominal(el: TextElement): { text: string; valueStart: number; valueEnd: number } {
  let value: string;
  if ('literal' in el.value) value = el.value.literal;
  else {
    const f = el.value.field;
    const n = el.maxChars ?? NOMINAL_LENGTH[f] ?? 1;
    value = f === 'expiry' ? '2912' : (NUMERIC.has(f) ? '8' : 'W').repeat(n);
  }
  value = formatValue(value, el.format);
  if (el.upper) value = value.toUpperCase();
  const prefix = el.prefix ?? '';
  return { text: prefix + value + (el.suffix ?? ''), valueStart: prefix.length, valueEnd: prefix.length + value.length };
}

function charProblem(where: string, text: string, charset: { name: string; chars: string }, show: boolean, offset = 0): Problem | null {
  const at = firstMissingChar(charset.chars, text);
  if (!at) return null;
  const shown = show ? ` ("${text[at - 1]}")` : '';
  return { record: null, field: where, message: `character ${at + offset}${shown} is not in the ${charset.name}` };
}

function pathOf(issuePath: readonly PropertyKey[]): string {
  return 'layout' + issuePath.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

function elementProblems(el: LayoutTemplate['front'][number], side: Side, index: number, f: ProductFeatures): Problem[] {
  const p = elementPath(side, index);
  const out: Problem[] = [];
  const add = (field: string, message: string) => out.push({ record: null, field, message });
  if (el.type === 'emboss' && side === 'back') add(`${p}.type`, 'embossing reads on the front: put embossed lines under layout.front');
  if ((el.type === 'emboss' || el.type === 'indent') && !f.emboss) add(p, `needs the emboss step, which the product does not have`);
  if ((el.type === 'laserText' || el.type === 'laserGraphic') && !f.laser) add(p, `needs the laser step, which the product does not have`);
  if (el.type === 'laserGraphic') {
    if ('literal' in el.image) {
      const b = decodeBitmap(el.image.literal);
      if ('error' in b) add(`${p}.image.literal`, b.error);
    }
    return out;
  }
  const cs = charsetOf(el);
  for (const part of ['prefix', 'suffix'] as const) {
    const v = el[part];
    const pr = v ? charProblem(`${p}.${part}`, el.upper ? v.toUpperCase() : v, cs, true) : null;
    if (pr) out.push(pr);
  }
  if ('literal' in el.value) {
    const v = formatValue(el.value.literal, el.format);
    const pr = charProblem(`${p}.value.literal`, el.upper ? v.toUpperCase() : v, cs, true);
    if (pr) out.push(pr);
  } else {
    const field = el.value.field;
    if (el.format?.startsWith('MM') && field !== 'expiry') add(`${p}.format`, `${el.format} formats a YYMM expiry; bind value.field "expiry" to use it`);
    const domain = NUMERIC.has(field) ? '0123456789' : field === 'name' || field === 'embossName' ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ' : '';
    const sample = formatValue(field === 'expiry' ? '2912' : domain, el.format);
    const at = firstMissingChar(cs.chars, sample);
    if (domain && at) add(`${p}.value.field`, `${field} holds characters the ${cs.name} cannot mark (such as "${sample[at - 1]}")`);
  }
  return out;
}

function findingsToProblems(findings: Finding[], record: { no: number; id: string } | null): Problem[] {
  return findings.map(({ item, part, message }) => {
    if (!record) return { record: null, field: item.path + (part ? `.${part}` : ''), message };
    const field = item.source === 'literal' ? item.path + (part ? `.${part}` : '') : item.source;
    return { record: record.no, recordId: record.id, field, message: item.source === 'literal' ? message : `${message} (${item.path})` };
  });
}

/** Checks a product's layout template when the product loads. Accepts the raw template too. */
export function validateTemplate(template: unknown, features: ProductFeatures): Problem[] {
  const parsed = LayoutTemplateSchema.safeParse(template);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ record: null, field: pathOf(i.path), message: i.message }));
  const t = parsed.data;
  const problems: Problem[] = [];
  const items: LayoutItem[] = [];
  for (const side of SIDES)
    t[side].forEach((el, index) => {
      problems.push(...elementProblems(el, side, index, features));
      if (el.type !== 'laserGraphic') items.push(placeText(el, side, index, nominal(el), t.laser));
      else if ('literal' in el.image) {
        const b = decodeBitmap(el.image.literal);
        if (!('error' in b)) items.push(placeGraphic(el, side, index, b, t.laser));
      } else {
        // A record's graphic: only its box is known now; its pixels are checked per record.
        const box = { x0: el.x, y0: el.y, x1: el.x + el.width, y1: el.y + el.height };
        const g: GraphicItem = { kind: 'laserGraphic', side, index, path: elementPath(side, index), source: 'graphic', box, pixelWidth: Infinity, pixelHeight: Infinity, lines: [], power: 0, feed: 0 };
        items.push(g);
      }
    });
  problems.push(...findingsToProblems(checkItems(items, { features, zones: t.zones }), null));
  return problems;
}

/** 1-based position in the record's field of character `i` (0-based) of a grouped value: the
 * grouping spaces are the format's, not the field's. */
function rawPosition(value: string, i: number): number {
  let n = 0;
  for (let k = 0; k <= i; k++) if (value[k] !== ' ') n++;
  return n;
}

/** Checks one record of a batch against the product's template when the batch imports. Gives
 * the same problems as `validateLayoutForRecordByLayout`, through the template's compiled form. */
export function validateLayoutForRecord(template: LayoutTemplate, record: CardRecord, recordNo: number, features: ProductFeatures = NO_FEATURES): Problem[] {
  return checkCompiled(compiledFor(template, features), template, record, recordNo, features);
}

/** The reference check: lays the whole card out and checks every item (the fast path's oracle). */
export function validateLayoutForRecordByLayout(template: LayoutTemplate, record: CardRecord, recordNo: number, features: ProductFeatures = NO_FEATURES): Problem[] {
  const who = { record: recordNo, recordId: record.recordId };
  const problems: Problem[] = [];
  const layout = layoutCard(template, record, { maskPan: false, features });
  for (const o of layout.omitted) {
    if (o.reason === 'missing' && !o.optional) problems.push({ ...who, field: o.source === 'literal' ? o.path : o.source, message: `is missing; ${o.path} needs it` });
    if (o.reason === 'badGraphic') problems.push({ ...who, field: o.source === 'graphic' ? 'graphic' : `${o.path}.image.literal`, message: `${o.detail} (${o.path})` });
  }
  const items = [...layout.front, ...layout.back];
  for (const it of items) {
    if (it.kind === 'laserGraphic' || it.source === 'literal') continue;
    const el = template[it.side][it.index] as TextElement;
    const cs = charsetOf(el);
    const value = it.text.slice(it.valueStart, it.valueEnd);
    const at = firstMissingChar(cs.chars, value);
    if (!at) continue;
    problems.push({ ...who, field: it.source, message: charMessage(el, it.source, it.path, value, at, cs.name) });
  }
  problems.push(...findingsToProblems(checkItems(items, { features, zones: template.zones }), { no: recordNo, id: record.recordId }));
  return problems;
}

function charMessage(el: TextElement, source: string, path: string, value: string, at: number, csName: string): string {
  const secret = source === 'pan' || SECRET_BINDINGS.has(source);
  const pos = el.format && !el.format.startsWith('MM') ? rawPosition(value, at - 1) : at;
  const shown = secret ? '' : ` ("${value[at - 1]}")`;
  return `character ${pos}${shown} is not in the ${csName} (${path})`;
}

// ---- The compiled template, for a batch's thousands of records ----
//
// A record changes only the text of bound elements and a bound graphic. Everything checkItems
// looks at follows from which elements are present and, for each, its line length (a text
// element's box) or its pixel grid (a graphic's pixel size): so the geometry findings are
// computed once per such "shape" of card and reused, and per record there remain the field
// reads, the font scans and a map lookup. Templates are treated as immutable once checked (a
// product is parsed, never edited in place).

interface CompiledText {
  kind: 'text';
  el: TextElement;
  side: Side;
  index: number;
  path: string;
  source: string;
  /** Template literal text: resolved once. */
  fixed: Resolved | null;
  /** An earlier element that resolves to the same text (same field and formatting), or -1. */
  same: number;
  charset: { name: string; chars: string };
  /** ASCII membership of the charset, by char code (non-ASCII falls back to the string). */
  table: Uint8Array;
}

interface CompiledGraphic {
  kind: 'graphic';
  el: GraphicElement;
  side: Side;
  index: number;
  path: string;
  source: 'graphic' | 'literal';
  /** A literal image, decoded once. */
  fixed: Bitmap | { error: string } | null;
}

interface CompiledTemplate {
  elements: (CompiledText | CompiledGraphic)[];
  /** Per features, per card shape: the geometry problems without the record number. */
  shapes: Map<string, Map<string, { field: string; message: string }[]>>;
}

const MAX_SHAPES = 4096;
const compiledTemplates = new WeakMap<LayoutTemplate, CompiledTemplate>();

function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    if (c < 128) t[c] = 1;
  }
  return t;
}

/** firstMissingChar, by table. */
function firstMissing(e: CompiledText, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 ? !e.table[c] : !e.charset.chars.includes(text[i])) return i + 1;
  }
  return 0;
}

function sameText(a: TextElement, b: TextElement): boolean {
  return 'field' in a.value && 'field' in b.value && a.value.field === b.value.field && a.format === b.format && !!a.upper === !!b.upper && (a.prefix ?? '') === (b.prefix ?? '') && (a.suffix ?? '') === (b.suffix ?? '');
}

function compile(template: LayoutTemplate): CompiledTemplate {
  const elements: CompiledTemplate['elements'] = [];
  for (const side of SIDES)
    template[side].forEach((el, index) => {
      const path = elementPath(side, index);
      if (el.type === 'laserGraphic') {
        const literal = 'literal' in el.image;
        const fixed = 'literal' in el.image && el.image.literal ? decodeBitmap(el.image.literal) : null;
        elements.push({ kind: 'graphic', el, side, index, path, source: literal ? 'literal' : 'graphic', fixed });
      } else {
        const charset = charsetOf(el);
        const fixed = 'literal' in el.value ? (resolveText(el, {} as CardRecord) ?? null) : null;
        const same = fixed ? -1 : elements.findIndex((o) => o.kind === 'text' && !o.fixed && sameText(o.el, el));
        elements.push({ kind: 'text', el, side, index, path, source: sourceOf(el.value), fixed, same, charset, table: charTable(charset.chars) });
      }
    });
  return { elements, shapes: new Map() };
}

function compiledFor(template: LayoutTemplate, features: ProductFeatures): { c: CompiledTemplate; shapes: Map<string, { field: string; message: string }[]> } {
  let c = compiledTemplates.get(template);
  if (!c) compiledTemplates.set(template, (c = compile(template)));
  const fk = `${+features.chip}${+features.magstripe}${+features.track3}${+features.emboss}${+features.laser}`;
  let shapes = c.shapes.get(fk);
  if (!shapes) c.shapes.set(fk, (shapes = new Map()));
  return { c, shapes };
}

function checkCompiled(
  { c, shapes }: ReturnType<typeof compiledFor>,
  template: LayoutTemplate,
  record: CardRecord,
  recordNo: number,
  features: ProductFeatures,
): Problem[] {
  const problems: Problem[] = [];
  let chars: Problem[] | null = null;
  // Per element: its resolved text or bitmap, or null when it is left out.
  const placed: (Resolved | Bitmap | null)[] = new Array(c.elements.length);
  let key = '';
  for (let k = 0; k < c.elements.length; k++) {
    const e = c.elements[k];
    placed[k] = null;
    if (e.kind === 'graphic') {
      const src = e.source === 'graphic' ? record.graphic : (e.el.image as { literal: string }).literal;
      if (!src) {
        if (!e.el.optional) problems.push({ record: recordNo, recordId: record.recordId, field: e.source === 'literal' ? e.path : e.source, message: `is missing; ${e.path} needs it` });
        key += '-,';
        continue;
      }
      const bmp = e.fixed ?? decodeBitmap(src);
      if ('error' in bmp) {
        problems.push({ record: recordNo, recordId: record.recordId, field: e.source === 'graphic' ? 'graphic' : `${e.path}.image.literal`, message: `${bmp.error} (${e.path})` });
        key += '-,';
        continue;
      }
      placed[k] = bmp;
      key += `${bmp.width}x${bmp.height},`;
      continue;
    }
    const r = e.fixed ?? (e.same >= 0 ? (placed[e.same] as Resolved | null) : resolveText(e.el, record));
    if (!r) {
      if (!e.el.optional) problems.push({ record: recordNo, recordId: record.recordId, field: e.source === 'literal' ? e.path : e.source, message: `is missing; ${e.path} needs it` });
      key += '-,';
      continue;
    }
    placed[k] = r;
    key += `${r.text.length},`;
    if (e.source === 'literal') continue;
    const value = r.valueStart === 0 && r.valueEnd === r.text.length ? r.text : r.text.slice(r.valueStart, r.valueEnd);
    const at = firstMissing(e, value);
    if (at) (chars ??= []).push({ record: recordNo, recordId: record.recordId, field: e.source, message: charMessage(e.el, e.source, e.path, value, at, e.charset.name) });
  }
  if (chars) for (const p of chars) problems.push(p);
  let found = shapes.get(key);
  if (!found) {
    const items: LayoutItem[] = [];
    c.elements.forEach((e, k) => {
      const got = placed[k];
      if (!got) return;
      if (e.kind === 'graphic') items.push(placeGraphic(e.el, e.side, e.index, got as Bitmap, template.laser));
      else items.push(placeText(e.el, e.side, e.index, got as Resolved, template.laser));
    });
    found = findingsToProblems(checkItems(items, { features, zones: template.zones }), { no: 0, id: '' }).map((p) => ({ field: p.field, message: p.message }));
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(key, found);
  }
  for (const f of found) problems.push({ record: recordNo, recordId: record.recordId, field: f.field, message: f.message });
  return problems;
}

/** The product-level check the product registry runs (nothing to check without a layout). */
export function checkProductLayout(p: { steps: readonly string[]; magstripe?: { tracks: readonly number[] }; layout?: unknown }): Problem[] {
  return p.layout == null ? [] : validateTemplate(p.layout, productFeatures(p));
}

type ProductLike = { steps: readonly string[]; magstripe?: { tracks: readonly number[] }; layout?: LayoutTemplate };
// Runs per record with the same product object: its features are derived once.
const featuresOf = new WeakMap<ProductLike, ProductFeatures>();

export function checkRecordLayout(p: ProductLike, r: CardRecord, recordNo: number): Problem[] {
  if (!p.layout) return [];
  let f = featuresOf.get(p);
  if (!f) featuresOf.set(p, (f = productFeatures(p)));
  return validateLayoutForRecord(p.layout, r, recordNo, f);
}
