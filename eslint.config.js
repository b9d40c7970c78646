// Lint holds the layering of docs/ARCHITECTURE.md ("Layout"): each directory may import only what
// its row allows (import-x/no-restricted-paths over resolved paths), `electron` only in the files
// that talk to Electron, and no import cycles (import-x/no-cycle; type-only cycles are found by
// scripts/import-cycles.mjs, the second half of `npm run lint`). It checks imports only, so it
// stays fast; style is not its business.
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const E = './electron';
// Everything a layer could import, by the row it belongs to.
const CORE = `${E}/core`, DEVICES = `${E}/devices`, SIM = `${E}/sim`, BRIDGE = `${E}/bridge`, CLI = `${E}/cli`, IPC = `${E}/ipc`, WIRING = `${E}/wiring`, FLOOR = `${E}/floor`;
const BOOT = `${E}/boot.ts`, MAIN = `${E}/main.ts`, PRELOAD = `${E}/preload.ts`, THREADPOOL = `${E}/threadpool.ts`;
const APP_GLUE = [MAIN, PRELOAD, IPC, `${E}/window.ts`, `${E}/renderer-protocol.ts`, `${E}/csp.ts`];
const UI = './renderer';
const NOT_PRODUCT = ['./tests', './bench', './scripts'];

const zone = (target, from, why) => ({ target, from: [...new Set(from)], message: `${why} (docs/ARCHITECTURE.md, Layout)` });
const ZONES = [
  zone('./shared', [E, UI, ...NOT_PRODUCT], 'shared/ imports only shared/ and zod'),
  zone(DEVICES, [CORE, FLOOR, SIM, BRIDGE, CLI, IPC, WIRING, BOOT, UI, ...APP_GLUE], 'drivers import only shared/ and Node: never the core, the simulators or the UI'),
  zone(SIM, [CORE, FLOOR, BRIDGE, CLI, IPC, WIRING, BOOT, UI, ...APP_GLUE], 'simulators import only shared/ and electron/devices/'),
  zone(CORE, [FLOOR, SIM, BRIDGE, CLI, IPC, WIRING, BOOT, UI, ...APP_GLUE], 'the core imports only shared/, electron/devices/ and Node'),
  zone(FLOOR, [DEVICES, SIM, BRIDGE, CLI, IPC, WIRING, BOOT, UI, ...APP_GLUE], 'the floor imports shared/, the core (batch checks, record vault), Node and pg: never a device, a simulator or the app'),
  zone(WIRING, [BRIDGE, CLI, IPC, BOOT, UI, ...APP_GLUE], 'wiring/ imports the core, the drivers and the simulators'),
  zone(BOOT, [BRIDGE, CLI, IPC, SIM, UI, ...APP_GLUE], 'boot.ts imports the core and wiring/'),
  zone(BRIDGE, [CLI, IPC, WIRING, BOOT, SIM, DEVICES, FLOOR, UI, MAIN, PRELOAD], 'the bridge imports the core'),
  zone(CLI, [IPC, UI, MAIN, PRELOAD], 'the CLI imports the core, wiring, sim and the bridge'),
  zone([MAIN, IPC, `${E}/window.ts`, `${E}/renderer-protocol.ts`], [CLI, SIM, DEVICES, BRIDGE, FLOOR, UI], 'the Electron main process imports the core, wiring/, boot.ts and shared/ (the demo writer is wiring/demo.ts)'),
  zone(PRELOAD, [CORE, FLOOR, DEVICES, SIM, BRIDGE, CLI, IPC, WIRING, BOOT, UI, MAIN], 'the preload imports only shared/'),
  zone(THREADPOOL, [E, './shared', UI], 'threadpool.ts imports nothing: it must run before any module that starts a thread'),
  zone(UI, [E, ...NOT_PRODUCT], 'the renderer imports only shared/: it talks to window.station, never a device or the core'),
];

// A worker is a module of its own (electron/**/NAME.worker.ts, started by core/workers/worker-start.ts),
// never source text run with eval: text built from a function's toString() is untyped, and a
// bundler renames what it refers to. worker-start.ts's tsx shim is the one eval allowed.
const NO_EVAL_WORKERS = [
  { selector: "Property[key.name='eval'][value.value=true]", message: 'no eval worker: write it as NAME.worker.ts and start it with startWorker (electron/core/workers/worker-start.ts)' },
  { selector: "NewExpression[callee.name='Worker'][arguments.0.type=/^(Literal|TemplateLiteral)$/]", message: 'no worker from source text: write it as NAME.worker.ts and start it with startWorker (electron/core/workers/worker-start.ts)' },
];

const ELECTRON_ONLY = { paths: [{ name: 'electron', message: 'only electron/main.ts, preload.ts, ipc/**, window.ts and renderer-protocol.ts import electron' }] };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-artifacts/**', '.data/**', '**/*.d.ts'] },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'] })],
      // no-cycle reads the imported modules too: it must parse TypeScript to follow them.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // An import the resolver cannot follow would slip past the zones.
      'import-x/no-unresolved': 'error',
      'no-restricted-imports': ['error', ELECTRON_ONLY],
    },
  },
  { files: ['electron/**'], ignores: ['electron/core/workers/worker-start.ts'], rules: { 'no-restricted-syntax': ['error', ...NO_EVAL_WORKERS] } },
  // The files that talk to Electron.
  { files: [MAIN, PRELOAD, `${IPC}/**`, `${E}/window.ts`, `${E}/renderer-protocol.ts`].map((f) => f.slice(2)), rules: { 'no-restricted-imports': 'off' } },
  // The renderer runs in a sandboxed page: no Node.
  { files: ['renderer/src/**'], rules: { 'no-restricted-imports': ['error', { ...ELECTRON_ONLY, patterns: [{ regex: '^node:', message: 'the renderer runs in a sandboxed page: no Node (docs/ARCHITECTURE.md, Layout)' }] }] } },
  // shared/ runs in the renderer too: no Node, no package but zod (and csv-parse, which runs in both).
  {
    files: ['shared/**'],
    rules: { 'no-restricted-imports': ['error', { ...ELECTRON_ONLY, patterns: [{ regex: '^(?!zod($|/)|csv-parse($|/)|\\.{1,2}/)', message: 'shared/ imports only shared/, zod and csv-parse (docs/ARCHITECTURE.md, Layout)' }] }] },
  },
);
