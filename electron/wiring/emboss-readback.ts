import type { StepModule } from '../core/engine/step';
import type { EmbossJob } from '../../shared/layout/jobs';

// The emboss step's contribution to the crosschecks: the card number and expiry that the machine
// was told to strike, taken from the very jobs it received, so the engine can hold them against
// the record, the stripe and the chip (a card whose emboss line differs is rejected).
export function embossReadBack(jobs: EmbossJob[]): { pan?: string; expiry?: string } {
  const out: { pan?: string; expiry?: string } = {};
  for (const j of jobs) {
    if (j.source === 'pan') out.pan = j.text.replace(/\D/g, '');
    if (j.source === 'expiry') {
      const m = /(\d{2})\/(\d{2})/.exec(j.text);
      if (m) out.expiry = m[2] + m[1];
    }
  }
  return out;
}

export function withEmbossReadBack(m: StepModule, lastJobs: () => EmbossJob[] | null): StepModule {
  return {
    ...m,
    async run(ctx) {
      const r = await m.run(ctx);
      const jobs = lastJobs();
      return r.ok && jobs ? { ...r, readBack: { ...embossReadBack(jobs), ...r.readBack } } : r;
    },
  };
}
