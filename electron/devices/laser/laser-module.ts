import type { StepContext, StepModule, StepOutcome } from '../step-port';
import type { LaserJob } from '../../../shared/layout/jobs';
import type { GrblLaser } from './driver';
import { LaserError, laserReason } from './errors';
import { REASONS } from '../../../shared/domain/reasons';

// The laser step: streams the layout's G-code jobs for the card (front, then back) to the GRBL
// laser. The jobs come from the caller, so this module never reads record fields itself.
export interface LaserModuleOptions {
  jobsFor(ctx: StepContext): LaserJob[];
}

export function createLaserModule(laser: GrblLaser, opts: LaserModuleOptions): StepModule {
  return {
    kind: 'laser',
    slots: 1,
    deviceIds: [laser.id],
    async run(ctx: StepContext): Promise<StepOutcome> {
      let jobs: LaserJob[];
      try {
        jobs = opts.jobsFor(ctx);
      } catch {
        return { ok: false, reason: 'DATA_INVALID', message: 'The layout could not produce the laser jobs for this card', retryable: false };
      }
      const total = jobs.reduce((n, j) => n + j.gcode.length, 0) || 1;
      let acked = 0;
      let before = 0;
      let bytes = 0;
      try {
        for (const [i, job] of jobs.entries()) {
          if (ctx.signal.aborted) return { ok: false, reason: 'OPERATOR_STOP', message: `Stopped before laser job ${i + 1} of ${jobs.length}`, retryable: acked === 0 };
          let lastNote = 0;
          const r = await laser.runJob(job.gcode, {
            signal: ctx.signal,
            onProgress: (done) => {
              acked = before + done;
              const now = Date.now();
              if (now - lastNote > 250) {
                lastNote = now;
                ctx.progress(Math.min(0.99, acked / total), `${job.side} side`);
              }
            },
          });
          before += job.gcode.length;
          acked = before;
          bytes += r.bytes;
        }
        ctx.progress(1, 'engraved');
        ctx.note({ laserJobs: jobs.length, gcodeLines: total, gcodeBytes: bytes });
        return { ok: true };
      } catch (e) {
        const reason = laserReason(e);
        const message = e instanceof LaserError ? e.message : REASONS[reason].summary;
        ctx.note({ laserLinesAccepted: acked, gcodeLines: total });
        // A partly engraved card cannot be engraved again.
        return { ok: false, reason, message, retryable: acked === 0 };
      }
    },
  };
}
