import { planSequence, describePlan, kindsOf, type PlanOptions, type SequencePlan, type EventKind } from './plan';
import { ModelStation, type SequenceRun } from './model-station';

// Runs many seeded sequences on station copies that each host `perCopy` of them (a shift), and
// gathers the failures with everything needed to replay one: its seed, its plan, its trace.
export interface Failure {
  seed: number;
  plan: SequencePlan;
  run: SequenceRun;
}

export interface ManyResult {
  runs: number;
  failures: Failure[];
  /** Shift reconciliation and `audit verify` problems, found when a station copy closed. */
  copyProblems: string[];
  /** How many sequences drew each kind of fault or control. */
  kinds: Partial<Record<EventKind, number>>;
  blanks: number;
  spoiled: number;
  ms: number;
}

export async function runMany(o: { seeds: Iterable<number>; plan?: PlanOptions; perCopy?: number; onRun?(r: SequenceRun, done: number): void }): Promise<ManyResult> {
  const t0 = Date.now();
  const perCopy = o.perCopy ?? 25;
  const out: ManyResult = { runs: 0, failures: [], copyProblems: [], kinds: {}, blanks: 0, spoiled: 0, ms: 0 };
  const ms = await ModelStation.open();
  try {
    for (const seed of o.seeds) {
      if (ms.runsOnThisCopy >= perCopy) await ms.reopen();
      const plan = planSequence(seed, o.plan);
      const run = await ms.run(plan);
      out.runs++;
      out.blanks += run.stats.blanks;
      out.spoiled += run.stats.spoiled;
      for (const k of kindsOf(plan)) out.kinds[k] = (out.kinds[k] ?? 0) + 1;
      if (run.problems.length) out.failures.push({ seed, plan, run });
      o.onRun?.(run, out.runs);
    }
  } finally {
    await ms.close();
    out.copyProblems.push(...ms.verifyProblems);
    out.ms = Date.now() - t0;
  }
  return out;
}

/** A failure as the replay recipe: the seed, the command that replays it, the plan, what happened, what is wrong. */
export function describeFailure(f: Failure): string {
  return [
    `FAILED sequence seed ${f.seed} — replay: npm run soak -- --seed ${f.seed} --runs 1`,
    describePlan(f.plan),
    'what happened:',
    ...f.run.trace,
    'what is wrong:',
    ...f.run.problems.map((p) => `  - ${p}`),
  ].join('\n');
}
