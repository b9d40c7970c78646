import type { EmbossJob } from './jobs';
import { SIDES } from './template';
import type { CardLayout, TextItem } from './layout';

// The embosser's and indenter's work for one card, read off the layout. Device outputs must be
// built from an unmasked layout; a masked one is refused so display text never reaches a machine.

export function embossJobs(layout: CardLayout): EmbossJob[] {
  if (layout.masked) throw new Error('embossJobs needs the unmasked layout (masking is for display only)');
  const jobs: EmbossJob[] = [];
  for (const side of SIDES)
    for (const it of layout[side]) {
      if (it.kind !== 'emboss' && it.kind !== 'indent') continue;
      const t = it as TextItem;
      jobs.push({
        kind: t.kind === 'emboss' ? 'emboss' : 'indent',
        side,
        font: t.font as EmbossJob['font'],
        x: t.x,
        y: t.y,
        pitch: t.pitch,
        text: t.text,
        source: t.source,
        element: t.path,
      });
    }
  return jobs;
}
