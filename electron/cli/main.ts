import { readFileSync, writeFileSync } from 'node:fs';
import { resolve, join, basename } from 'node:path';
import { userInfo } from 'node:os';
import { int, num, oneOf, parseArgs, str, UsageError } from './args';
import { HELP, usageFor } from './usage';
import { writeDemo } from './demo';
import { bootStation } from '../boot';
import { loadConfig } from '../core/config';
import { openLogReader } from '../core/log-reader';
import { importBatch } from '../core/batch/import';
import { toCardRow } from '../core/store/card-store';
import { ManualTransport } from '../core/manual/manual-transport';
import { ValidationError, formatProblem } from '../../shared/domain/problems';
import { redactProblem, redactText } from '../../shared/domain/redact';

// The headless command line: `perso-station <command>`. It runs the same core as the app.
// Commands that act on the station are logged with origin "cli" and the OS user: whoever can
// run them can read the data directory anyway.

const operator = () => `cli:${userInfo().username}`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return cmd ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const usage = usageFor(cmd, rest[0]);
    if (!usage) throw new UsageError(`unknown command ${cmd}\n\n${HELP}`);
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  switch (cmd) {
    case 'demo': {
      const a = parseArgs(rest, { bool: ['no-import', 'pcsc'], value: ['dir', 'cards', 'time-scale'], positionals: 0 });
      const dir = str(a, 'dir');
      if (!dir) throw new UsageError('demo needs --dir D');
      const cards = int(a, 'cards', { min: 1, fallback: 12 });
      const timeScale = num(a, 'time-scale', { min: 0, fallback: 0 });
      const r = await writeDemo({ dir: resolve(dir), importSample: !a.flags['no-import'], cards, timeScale, pcsc: !!a.flags.pcsc });
      process.stdout.write(`Demo station written to ${resolve(dir)}\n  config: ${r.configPath}\n  sample batch: ${r.batchPath}\n  accounts: ${join(resolve(dir), 'demo-users.txt')}\n`);
      return 0;
    }
    case 'import': {
      const a = parseArgs(rest, { value: ['config'], positionals: 1 });
      const file = a.positional[0];
      if (!file) throw new UsageError('import needs a FILE');
      const b = await boot(a);
      try {
        const r = await importBatch({ store: b.station.store, products: b.station.products }, basename(file), readFileSync(file, 'utf8'), operator());
        b.station.log({ type: 'batch.import', severity: 'info', outcome: 'success', user: operator(), origin: 'cli', resource: `batch:${r.batchId}`, batchId: r.batchId, message: `imported batch ${r.batchId} (${r.records} records) from ${basename(file)}` });
        process.stdout.write(`imported batch ${r.batchId}: ${r.records} records for product ${r.productId}\n`);
        return 0;
      } finally {
        await b.station.close();
      }
    }
    case 'run':
      return run(rest);
    case 'logs': {
      const a = parseArgs(rest, { value: ['config', 'format', 'batch', 'type', 'severity', 'text', 'limit'], positionals: 0 });
      const format = oneOf(a, 'format', ['json', 'csv'] as const, 'json');
      const severity = oneOf(a, 'severity', ['info', 'warn', 'error'] as const);
      const limit = int(a, 'limit', { min: 1, fallback: 1000 });
      const log = openLogReader(loadConfig(requireConfig(a)));
      try {
        const filter = { batchId: str(a, 'batch'), type: str(a, 'type'), severity, text: str(a, 'text') };
        if (format === 'csv') log.audit.exportCsv(filter, (chunk) => process.stdout.write(chunk));
        else {
          const page = log.audit.query({ ...filter, limit, order: 'asc' });
          for (const e of page.rows) process.stdout.write(JSON.stringify(e) + '\n');
        }
        return 0;
      } finally {
        log.close();
      }
    }
    case 'audit': {
      const a = parseArgs(rest, { value: ['config'], positionals: 1 });
      if (a.positional[0] !== 'verify') throw new UsageError('audit verify --config D/station.json');
      const config = loadConfig(requireConfig(a));
      const log = openLogReader(config);
      try {
        const r = log.audit.verify({ archiveDir: join(config.dataDirAbs, 'log-archive') });
        if (r.ok) {
          const anchor = r.anchor
            ? `; the head was anchored at ${r.anchor.seq} on ${new Date(r.anchor.at).toISOString()} (${r.anchor.source})`
            : '; no anchor of the head was found outside the database, so a removal of the newest entries cannot be ruled out';
          process.stdout.write(`log intact: ${r.count} entries${anchor}\n`);
        }
        else process.stdout.write(`LOG TAMPERED: entry ${r.firstBadSeq} ${r.problem}: ${r.message}\n`);
        return r.ok ? 0 : 3;
      } finally {
        log.close();
      }
    }
    case 'serve': {
      const a = parseArgs(rest, { value: ['config', 'port', 'static'], positionals: 0 });
      const port = int(a, 'port', { min: 0, max: 65535, fallback: 0 });
      const { serve } = await import('./serve');
      await serve(requireConfig(a), port, str(a, 'static'));
      return new Promise<number>(() => undefined);
    }
    case 'floor': {
      const [sub, ...more] = rest;
      if (sub !== 'migrate' && sub !== 'serve' && sub !== 'audit') throw new UsageError(`floor needs migrate, serve or audit\n\n${usageFor('floor', undefined)}`);
      const a = parseArgs(more, { value: ['config'], positionals: sub === 'audit' ? 1 : 0 });
      if (sub === 'audit' && a.positional[0] !== 'verify') throw new UsageError(`floor audit verify --config floor.json\n\n${usageFor('floor', 'audit')}`);
      const { runFloor } = await import('./floor');
      return runFloor(sub, requireConfig(a));
    }
    case 'sim': {
      const a = parseArgs(rest, { value: ['tty', 'time-scale', 'port', 'issuer', 'vpcd', 'chip-stations'], positionals: 1 });
      const timeScale = num(a, 'time-scale', { min: 0, fallback: 0 });
      const port = int(a, 'port', { min: 1, max: 65535 });
      const vpcd = int(a, 'vpcd', { min: 1, max: 65535 });
      const chipStations = int(a, 'chip-stations', { min: 1, max: 16 });
      const { runSim } = await import('./sim');
      await runSim(a.positional[0], str(a, 'tty'), timeScale, { port, issuer: str(a, 'issuer'), vpcd, chipStations });
      return new Promise<number>(() => undefined);
    }
    default:
      throw new UsageError(`unknown command ${cmd}\n\n${HELP}`);
  }
}

function requireConfig(a: ReturnType<typeof parseArgs>): string {
  const c = str(a, 'config');
  if (!c) throw new UsageError('--config D/station.json is required');
  return resolve(c);
}

function boot(a: ReturnType<typeof parseArgs>) {
  return bootStation({ configPath: requireConfig(a), origin: 'cli' });
}

async function run(rest: string[]): Promise<number> {
  const a = parseArgs(rest, { value: ['config', 'batch', 'file', 'report'], positionals: 0 });
  const b = await boot(a);
  const { station } = b;
  const startedAt = new Date().toISOString();
  try {
    let batchIds: string[];
    if (str(a, 'file')) {
      const file = str(a, 'file')!;
      const r = await importBatch({ store: station.store, products: station.products }, basename(file), readFileSync(file, 'utf8'), operator());
      batchIds = [r.batchId];
    } else if (str(a, 'batch')) batchIds = [str(a, 'batch')!];
    else batchIds = station.store.listBatches((x) => x).filter((x) => x.state === 'open' && x.counts.queued > 0).map((x) => x.batchId);
    const off = station.events.on('card.updated', (c) => {
      if (c.state === 'passed' || c.state === 'failed') process.stderr.write(`${c.recordId} ${c.maskedPan} ${c.state}${c.reason ? ` ${c.reason}: ${c.message}` : ''}\n`);
    });
    // Without a person at the line, a pause (jam, cover open, empty hopper) cannot be resumed:
    // the run stops there, says why, and the report shows where every card is.
    let paused: string | null = null;
    const offStatus = station.events.on('engine.status', (s) => {
      if (s.state === 'paused' && !paused) {
        paused = s.message ?? 'the line paused';
        station.engine.stop();
      }
    });
    // A manual workstation needs a person for every card (to carry it, and to confirm it in the
    // good or reject tray): `run` has nobody to wait for, so it says so before taking a card (4).
    if (station.deviceSet.transport instanceof ManualTransport && batchIds.length) {
      paused = 'manual workstation mode: the line would wait for a person — to place each card in the devices that cannot sense it and to confirm it in the good or reject tray; no card was taken. Run the batch from the station screen';
      process.stderr.write(`perso-station: ${paused}\n`);
    }
    for (const id of paused ? [] : batchIds) {
      station.engine.start(id);
      await station.engine.idle();
      const s = station.engine.status();
      if (s.state !== 'finished') process.stderr.write(`batch ${id} ended ${s.state}${paused ? `: ${paused}` : s.message ? `: ${s.message}` : ''}\n`);
      if (paused) break;
    }
    off();
    offStatus();
    const report = {
      station: station.config.stationName,
      startedAt,
      finishedAt: new Date().toISOString(),
      batches: batchIds.map((id) => ({ batchId: id, counts: station.store.counts(id) })),
      cards: batchIds.flatMap((id) => station.store.page({ batchId: id, offset: 0, limit: 1_000_000 }).rows.map((c) => toCardRow(c))),
    };
    const reportPath = str(a, 'report');
    if (reportPath) writeFileSync(reportPath, JSON.stringify(report, null, 2));
    for (const bt of report.batches) process.stdout.write(`batch ${bt.batchId}: ${bt.counts.passed} passed, ${bt.counts.failed} failed, ${bt.counts.queued} queued\n`);
    // The line could not run to the end without a person: say so in the exit code (4).
    return paused ? 4 : 0;
  } finally {
    await station.close();
  }
}

export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`perso-station: ${e.message}\n`);
    return 2;
  }
  if (e instanceof ValidationError) {
    // Problems leave the core here as they do through dispatch: redacted and cut, the total said once.
    const more = e.total > e.problems.length ? ` (the first ${e.problems.length} listed)` : '';
    process.stderr.write(`perso-station: ${redactText(e.what, 200)}: ${e.total} problem${e.total === 1 ? '' : 's'}${more}\n${e.problems.map((p) => `  - ${formatProblem(redactProblem(p))}`).join('\n')}\n`);
    return 1;
  }
  // An unexpected error's message may quote what it choked on: it leaves redacted, like the core's.
  process.stderr.write(`perso-station: ${redactText(String((e as Error)?.message ?? e), 300)}\n`);
  return 1;
}
