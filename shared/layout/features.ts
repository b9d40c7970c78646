// The fixed features of a card, derived from its product: a chip when the steps include chip, a
// magnetic stripe (and how wide its band is) when they include magstripe.

export interface ProductFeatures {
  chip: boolean;
  magstripe: boolean;
  /** The stripe carries track 3, which widens the band. */
  track3: boolean;
  emboss: boolean;
  laser: boolean;
}

export const NO_FEATURES: ProductFeatures = { chip: false, magstripe: false, track3: false, emboss: false, laser: false };

/** Structural on purpose: takes a Product without importing it (the product imports the template). */
export function productFeatures(p: { steps: readonly string[]; magstripe?: { tracks: readonly number[] } }): ProductFeatures {
  const has = (s: string) => p.steps.includes(s);
  const magstripe = has('magstripe');
  return {
    chip: has('chip'),
    magstripe,
    track3: magstripe && (p.magstripe?.tracks ?? []).includes(3),
    emboss: has('emboss'),
    laser: has('laser'),
  };
}
