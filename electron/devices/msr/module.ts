// Type-only imports from the engine: the StepModule contract is erased at run time, so the
// driver layer does not load the core.
import type { StepContext, StepModule, StepOutcome } from '../step-port';
import type { ReasonCode } from '../../../shared/domain/reasons';
import { formatProblem } from '../../../shared/domain/problems';
import { formatTracks, mismatchedTracks, parseTrack1, parseTrack2 } from '../../../shared/magstripe/tracks';
import { validateMagstripeRecord } from '../../../shared/magstripe/validate';
import { DeviceDisconnectedError, DeviceError } from '../errors';
import type { MsrEncoder } from './driver';
import type { Tracks } from './protocol';
import { MSR_ERROR } from './status';

// The magstripe step: format the tracks from the record and the product, set the coercivity,
// write, read back and compare. A read-back that differs (or cannot be read) earns one more
// write; a second miss fails the card with MSR_VERIFY_MISMATCH. Outcome messages carry the
// failing command and status, never track data.

export interface MagstripeModuleOptions {
  /** Extra write-and-verify rounds after a mismatch (default 1). */
  verifyRetries?: number;
}

type Fail = Extract<StepOutcome, { ok: false }>;

export function createMagstripeModule(encoder: MsrEncoder, opts: MagstripeModuleOptions = {}): StepModule {
  const rounds = 1 + (opts.verifyRetries ?? 1);
  return {
    kind: 'magstripe',
    slots: 1,
    deviceIds: [encoder.id],
    async run(ctx: StepContext): Promise<StepOutcome> {
      const profile = ctx.product.magstripe;
      if (!profile) return { ok: false, reason: 'DATA_INVALID', message: 'the product has no magstripe settings', retryable: false };
      const problems = validateMagstripeRecord(profile, ctx.record, ctx.recordIndex + 1);
      if (problems.length) return { ok: false, reason: 'DATA_INVALID', message: problems.map(formatProblem).join('; '), retryable: false };
      const tracks = formatTracks(profile, ctx.record) as Tracks;

      let writes = 0;
      let reads = 0;
      const stopped = (before: string): Fail | null => (ctx.signal.aborted ? { ok: false, reason: 'OPERATOR_STOP', message: `stopped before ${before}` } : null);
      try {
        const s = stopped('setting the coercivity');
        if (s) return s;
        ctx.progress(0.05, profile.coercivity === 'hi' ? 'Hi-Co' : 'Lo-Co');
        await encoder.setCoercivity(profile.coercivity);
        let lastMiss = '';
        for (let round = 1; round <= rounds; round++) {
          const sw = stopped('writing');
          if (sw) return sw;
          ctx.progress(0.1 + (0.8 * (round - 1)) / rounds, round === 1 ? 'writing' : 'writing again');
          writes++;
          await encoder.writeTracks(tracks);
          const sr = stopped('reading back');
          if (sr) return sr;
          ctx.progress(0.1 + (0.8 * (round - 0.5)) / rounds, 'verifying');
          let read: Tracks;
          try {
            reads++;
            read = await encoder.readTracks();
          } catch (e) {
            // An unreadable stripe is a failed verification: worth another write.
            if (e instanceof DeviceError && e.code === MSR_ERROR.READ_WRITE_ERROR) {
              lastMiss = 'the read-back failed (encoder read error)';
              continue;
            }
            throw e;
          }
          const bad = mismatchedTracks(tracks, read);
          if (bad.length === 0) {
            ctx.note({ msrWrites: writes, msrReads: reads, coercivity: profile.coercivity });
            ctx.progress(1, 'verified');
            return { ok: true, readBack: readBackOf(read) };
          }
          lastMiss = `track ${bad.join(', ')} read back differs from what was written`;
          ctx.note({ msrMismatchRound: round, msrMismatchTracks: bad.join(',') });
        }
        ctx.note({ msrWrites: writes, msrReads: reads });
        return { ok: false, reason: 'MSR_VERIFY_MISMATCH', message: `${lastMiss} (after ${writes} writes)` };
      } catch (e) {
        ctx.note({ msrWrites: writes, msrReads: reads });
        return failureOf(e);
      }
    },
  };
}

function readBackOf(read: Tracks): { pan?: string; expiry?: string } {
  const p = (read[1] && parseTrack2(read[1])) || (read[0] && parseTrack1(read[0])) || null;
  return p ? { pan: p.pan, expiry: p.expiry } : {};
}

/** Maps a driver error to the card's reason; the message is the driver's own (command and status only). */
export function failureOf(e: unknown): Fail {
  if (!(e instanceof DeviceError)) return { ok: false, reason: 'MSR_DEVICE_ERROR', message: `unexpected error in the magstripe step (${e instanceof Error ? e.name : typeof e})` };
  return { ok: false, reason: reasonOf(e), message: e.message };
}

export function reasonOf(e: DeviceError): ReasonCode {
  if (e instanceof DeviceDisconnectedError) return 'MSR_OFFLINE';
  switch (e.code) {
    case MSR_ERROR.OFFLINE:
    case MSR_ERROR.CLOSED:
      return 'MSR_OFFLINE';
    case 'TIMEOUT':
      return 'MSR_TIMEOUT';
    case MSR_ERROR.NO_CARD:
      return 'MSR_NO_CARD';
    case MSR_ERROR.READ_WRITE_ERROR:
      return 'MSR_WRITE_ERROR';
    default:
      return 'MSR_DEVICE_ERROR';
  }
}
