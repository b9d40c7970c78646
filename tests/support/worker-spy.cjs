// Preloaded (node --require) into a process the bundle test starts: every worker thread the
// process starts is written, one JSON line each, to the file named by PERSO_WORKER_SPY, with
// whether it ran from source text (eval) and any error it threw. The bundle's code reads
// Worker off node:worker_threads when it starts one, so the class is replaced before it loads.
const { appendFileSync } = require('node:fs');
const threads = require('node:worker_threads');
const out = process.env.PERSO_WORKER_SPY;
const Original = threads.Worker;
threads.Worker = class SpiedWorker extends Original {
  constructor(spec, options) {
    super(spec, options);
    const file = options && options.eval ? null : String(spec);
    const note = (event, extra) => appendFileSync(out, JSON.stringify({ event, file, eval: !!(options && options.eval), ...extra }) + '\n');
    note('start');
    this.on('error', (e) => note('error', { message: String(e && e.message) }));
  }
};
