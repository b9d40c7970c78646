// Pure edits of a product's JSON for the designer's form. The product stays plain JSON (what
// the station stores and validates): the form never holds a second model of it, so the raw
// JSON editor and the form are always the same thing.

export type Json = Record<string, unknown>;
export type Side = 'front' | 'back';
export type ElementType = 'emboss' | 'indent' | 'laserText' | 'laserGraphic';
export const SIDES: readonly Side[] = ['front', 'back'];
export const ELEMENT_TYPES: readonly ElementType[] = ['emboss', 'indent', 'laserText', 'laserGraphic'];
export const FIELD_REFS = ['pan', 'expiry', 'name', 'embossName', 'cvv2', 'serviceCode', 'recordId'] as const;

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export function layoutOf(p: Json | null): Json | null {
  return p && isObj(p.layout) ? p.layout : null;
}

export function elementsOf(p: Json | null, side: Side): Json[] {
  const l = layoutOf(p);
  const list = l?.[side];
  return Array.isArray(list) ? list.map((e) => (isObj(e) ? e : {})) : [];
}

function withLayout(p: Json, layout: Json): Json {
  return { ...p, layout };
}

/** Sets layout-level settings (zones, signaturePanel); undefined removes the key. */
export function setLayoutProp(p: Json, key: string, value: unknown): Json {
  const l = { ...(layoutOf(p) ?? {}) };
  if (value === undefined) delete l[key];
  else l[key] = value;
  return withLayout(p, l);
}

/** Merges `patch` into one element; a key patched to undefined is removed (optional settings). */
export function updateElement(p: Json, side: Side, index: number, patch: Json): Json {
  const list = elementsOf(p, side).slice();
  if (index < 0 || index >= list.length) return p;
  const next: Json = { ...list[index] };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  list[index] = next;
  return withLayout(p, { ...(layoutOf(p) ?? {}), [side]: list });
}

/** A new element of a kind, placed where it is easy to see and move. */
export function newElement(type: ElementType): Json {
  switch (type) {
    case 'emboss':
      return { type, font: '1B', x: 10, y: 10, value: { literal: 'TEXT' } };
    case 'indent':
      return { type, x: 50, y: 29, value: { field: 'cvv2' } };
    case 'laserText':
      return { type, x: 8, y: 20, size: 1.6, value: { literal: 'TEXT' } };
    case 'laserGraphic':
      return { type, x: 60, y: 15, width: 10, height: 5, image: { field: 'graphic' }, optional: true };
  }
}

export function addElement(p: Json, side: Side, type: ElementType): Json {
  return withLayout(p, { ...(layoutOf(p) ?? {}), [side]: [...elementsOf(p, side), newElement(type)] });
}

export function removeElement(p: Json, side: Side, index: number): Json {
  return withLayout(p, { ...(layoutOf(p) ?? {}), [side]: elementsOf(p, side).filter((_, i) => i !== index) });
}

/** An empty layout for a product that has none yet. */
export function addLayout(p: Json): Json {
  return withLayout(p, { zones: 'iso', signaturePanel: false, front: [], back: [] });
}

/** Where a text element's value comes from. */
export function valueSource(e: Json): { kind: 'field'; field: string } | { kind: 'literal'; literal: string } {
  const v = isObj(e.value) ? e.value : {};
  if (typeof v.literal === 'string') return { kind: 'literal', literal: v.literal };
  return { kind: 'field', field: typeof v.field === 'string' ? v.field : '' };
}

/** The element keys ("front.0") a list of problems points at, so their forms can be marked. */
export function elementsWithProblems(problems: { field: string }[]): Set<string> {
  const out = new Set<string>();
  for (const p of problems) {
    const m = /(?:^|\.)layout\.(front|back)\.(\d+)(?:\.|$)/.exec(p.field) ?? /^(front|back)\.(\d+)(?:\.|$)/.exec(p.field);
    if (m) out.add(`${m[1]}.${m[2]}`);
  }
  return out;
}

/** The raw editor's text, parsed: the product, or why not. */
export function parseProductJson(text: string): { product: Json } | { error: string } {
  try {
    const v = JSON.parse(text);
    if (!isObj(v)) return { error: 'the product must be a JSON object' };
    return { product: v };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
