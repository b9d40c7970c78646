import { runMany, describeFailure } from './run-many';
import { planSequence, describePlan, type EventKind } from './plan';

// One soak worker: sequences [from, from + count) on its own station copies. Prints one JSON line
// per event on stdout (progress, failure, done) for scripts/soak.mjs to gather.
const arg = (k: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const from = Number(arg('from') ?? 1);
const count = Number(arg('count') ?? 100);
const all = process.argv.includes('--all');
const slow = process.argv.includes('--slow');
const only = arg('only')?.split(',') as EventKind[] | undefined;
const verbose = process.argv.includes('--verbose');
const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

const r = await runMany({
  seeds: Array.from({ length: count }, (_, i) => from + i),
  plan: { all, slow, only },
  onRun: (run, done) => {
    if (verbose) say({ type: 'trace', seed: run.seed, text: `${describePlan(planSequence(run.seed, { all, slow, only }))}\n${run.trace.join('\n')}\nproblems: ${run.problems.length ? run.problems.join('; ') : 'none'}` });
    if (run.problems.length) say({ type: 'failure', seed: run.seed, text: describeFailure({ seed: run.seed, plan: planSequence(run.seed, { all, slow, only }), run }) });
    if (done % 50 === 0) say({ type: 'progress', done });
  },
});
say({ type: 'done', runs: r.runs, failures: r.failures.map((f) => f.seed), copyProblems: r.copyProblems, kinds: r.kinds, blanks: r.blanks, spoiled: r.spoiled, ms: r.ms });
process.exit(0);
