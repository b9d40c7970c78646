// The CLI's usage texts, one per command and subcommand: `perso-station <command> --help` prints
// its own, `perso-station --help` all of them.
export const USAGE = {
  demo: `perso-station demo --dir D [--no-import] [--cards N] [--time-scale X] [--pcsc]
      write a demo station (config, product, sample batch, one user per role) running on simulators;
      --cards N records in the sample batch (default 12); --time-scale X runs the simulators at X × real
      device time (default 0: no waiting); --pcsc puts its chip heads on pcscd's vpcd readers
      (Virtual PCD 00 00/01) instead of in-process readers`,
  import: `perso-station import FILE --config D/station.json
      validate and import a batch file (JSON perso-batch/1 or CSV); refuses it whole on any problem`,
  run: `perso-station run --config D/station.json [--batch ID | --file FILE] [--report OUT.json]
      process the queue to the end and write each card's outcome; exits non-zero only if it could not run
      (4: the line paused for a person — jam, cover, hopper, laser alarm, cards left in the path — or, on a manual workstation, would need one; the run stopped there)`,
  logs: `perso-station logs --config D/station.json [--format json|csv] [--batch ID] [--type T] [--severity info|warn|error] [--text WORDS] [--limit N]
      query the station log (JSON lines, at most --limit entries, default 1000; or all as CSV)`,
  audit: `perso-station audit verify --config D/station.json
      check the log's hash chain; names the first entry that was changed, removed or reordered`,
  serve: `perso-station serve --config D/station.json [--port P]
      serve the station UI on a loopback port (for a browser, without Electron; default: a free port)`,
  floor: `perso-station floor migrate|serve|audit --config floor.json
      the floor (several stations on one PostgreSQL): migrate its schema as the database's owner, run its service, or verify its audit trail`,
  'floor migrate': `perso-station floor migrate --config floor.json
      bring the floor's PostgreSQL schema and roles to this program's version (as database.ownerUrl); running it again changes nothing`,
  'floor serve': `perso-station floor serve --config floor.json
      run the floor service (as database.url): a lease its station stopped renewing makes its cards INTERRUPTED for a supervisor`,
  'floor audit': `perso-station floor audit verify --config floor.json
      check every station's log as shipped to the floor, and the floor's own events; names the station and entry of any break or gap`,
  sim: `perso-station sim encoder|machine|laser --tty PATH [--time-scale X]
      run a device emulator on one end of a pty pair (make the pair with socat)
perso-station sim card [--port 35963] [--issuer D/sim-issuer.json]
      insert a virtual GlobalPlatform card into pcscd's vpcd reader on that port`,
  'sim encoder': `perso-station sim encoder --tty PATH [--time-scale X]
      an MSR605-protocol magnetic stripe encoder on PATH (one end of a socat pty pair);
      --time-scale X answers after X × the real device's delays (default 0: at once)`,
  'sim machine': `perso-station sim machine --tty PATH [--time-scale X] [--vpcd 35963 --issuer D/sim-issuer.json [--chip-stations 2]]
      the card transport and embosser on PATH (one end of a socat pty pair); with --vpcd the card
      it moves to chip station N goes into pcscd's vpcd reader on port 35963+N (blank chips with
      the issuer file's keys), for a station whose chip heads are those vpcd readers`,
  'sim laser': `perso-station sim laser --tty PATH [--time-scale X]
      a GRBL laser engraver on PATH (one end of a socat pty pair)`,
  'sim card': `perso-station sim card [--port 35963] [--issuer D/sim-issuer.json] [--time-scale X]
      insert a virtual GlobalPlatform card into pcscd's vpcd reader on that port, with the keys of a
      demo's simulated issuer (or the GlobalPlatform test key)`,
} as const;

export type UsageTopic = keyof typeof USAGE;

export const HELP = `perso-station <command> [options]     (every command answers --help)

${(['demo', 'import', 'run', 'logs', 'audit', 'serve', 'floor', 'sim'] as const).map((k) => USAGE[k]).join('\n')}
`;

/** The usage for `cmd [sub]`, the most specific one there is; null for an unknown command. */
export function usageFor(cmd: string, sub: string | undefined): string | null {
  const specific = `${cmd} ${sub}` as UsageTopic;
  if (sub && specific in USAGE) return USAGE[specific];
  return cmd in USAGE ? USAGE[cmd as UsageTopic] : null;
}
