import type { StepContext, StepModule, StepOutcome } from '../step-port';
import type { EmbossJob } from '../../../shared/layout/jobs';
import { checkStrikeLine, type MachineDriver } from './driver';
import { MachineError, machineReason } from './errors';
import { REASONS } from '../../../shared/domain/reasons';

// The emboss step on the machine's embosser: strikes the layout's lines for the card one by one,
// then applies topping foil over the embossed characters. The jobs come from the caller (the
// layout code), so this module never reads record fields itself.
export interface EmbossModuleOptions {
  jobsFor(ctx: StepContext): EmbossJob[];
  /** Apply topping foil after embossing (not after indent-only cards). Default true. */
  topping?: boolean;
}

export function createEmbossModule(machine: MachineDriver, opts: EmbossModuleOptions): StepModule {
  const topping = opts.topping ?? true;
  return {
    kind: 'emboss',
    slots: 1,
    deviceIds: [machine.id],
    async run(ctx: StepContext): Promise<StepOutcome> {
      let jobs: EmbossJob[];
      try {
        jobs = opts.jobsFor(ctx);
      } catch {
        return { ok: false, reason: 'DATA_INVALID', message: 'The layout could not produce the emboss lines for this card', retryable: false };
      }
      const bad = jobs.findIndex((j) => checkStrikeLine(j) !== null);
      if (bad >= 0) return { ok: false, reason: 'DATA_INVALID', message: `Emboss line ${bad + 1}: ${checkStrikeLine(jobs[bad])}`, retryable: false };
      let struck = 0;
      const chars = jobs.reduce((n, j) => n + j.text.length, 0);
      try {
        for (const job of jobs) {
          if (ctx.signal.aborted) return { ok: false, reason: 'OPERATOR_STOP', message: `Stopped before emboss line ${struck + 1} of ${jobs.length}`, retryable: struck === 0 };
          ctx.progress(struck / (jobs.length + 1), `line ${struck + 1} of ${jobs.length}`);
          await machine.strike(job, ctx.signal);
          struck++;
        }
        const embossedSides = [...new Set(jobs.filter((j) => j.kind === 'emboss').map((j) => j.side))];
        if (topping) {
          // Embossing is struck from the back and reads on the front: the foil goes on the raised side.
          for (const side of embossedSides) await machine.topping(side, ctx.signal);
        }
        ctx.progress(1, 'embossed');
        ctx.note({ embossLines: jobs.length, embossCharacters: chars, topping: topping && embossedSides.length > 0 });
        return { ok: true };
      } catch (e) {
        const reason = machineReason(e);
        const message = e instanceof MachineError ? e.message : REASONS[reason].summary;
        ctx.note({ embossLinesStruck: struck, embossLines: jobs.length });
        // A struck line cannot be struck again, a jammed card left the path, and a strike whose
        // answer the cable took may have been struck (detail sent: 1): never retry those.
        const lost = e instanceof MachineError && e.detail.sent === 1;
        const retryable = struck === 0 && reason !== 'MACHINE_JAM' && !lost;
        return { ok: false, reason, message, retryable };
      }
    },
  };
}
