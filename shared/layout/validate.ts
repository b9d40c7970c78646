import type { Problem } from '../domain/problems';
import type { CardRecord } from '../domain/record';
import { EMBOSS_FONTS, firstMissingChar } from './emboss-fonts';
import { STROKE_CHARSET } from './stroke-font';
import { decodeBitmap } from './bitmap';
import { NO_FEATURES, productFeatures, type ProductFeatures } from './features';
import { SECRET_BINDINGS, formatValue } from './bind';
import { checkItems, type Finding } from './checks';
import { elementPath, layoutCard, placeGraphic, placeText, type GraphicItem, type LayoutItem } from './layout';
import { LayoutTemplateSchema, SIDES, type LayoutTemplate, type Side, type TextElement } from './template';

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

/** Checks one record of a batch against the product's template when the batch imports. */
export function validateLayoutForRecord(template: LayoutTemplate, record: CardRecord, recordNo: number, features: ProductFeatures = NO_FEATURES): Problem[] {
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
    const secret = it.source === 'pan' || SECRET_BINDINGS.has(it.source);
    const pos = el.format && !el.format.startsWith('MM') ? rawPosition(value, at - 1) : at;
    const shown = secret ? '' : ` ("${value[at - 1]}")`;
    problems.push({ ...who, field: it.source, message: `character ${pos}${shown} is not in the ${cs.name} (${it.path})` });
  }
  problems.push(...findingsToProblems(checkItems(items, { features, zones: template.zones }), { no: recordNo, id: record.recordId }));
  return problems;
}

/** The product-level check the product registry runs (nothing to check without a layout). */
export function checkProductLayout(p: { steps: readonly string[]; magstripe?: { tracks: readonly number[] }; layout?: unknown }): Problem[] {
  return p.layout == null ? [] : validateTemplate(p.layout, productFeatures(p));
}

export function checkRecordLayout(p: { steps: readonly string[]; magstripe?: { tracks: readonly number[] }; layout?: LayoutTemplate }, r: CardRecord, recordNo: number): Problem[] {
  return p.layout ? validateLayoutForRecord(p.layout, r, recordNo, productFeatures(p)) : [];
}
