import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// Issue 17 item 10: workers are modules (NAME.worker.ts started by startWorker), never source
// text run with eval. The lint run of .ci/run holds that (eslint.config.js, NO_EVAL_WORKERS);
// here the rule is shown to fire on what it must catch, as planted in a core file.
const root = new URL('../../..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file = 'electron/core/audit/planted.ts'): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

test('a worker built from source text with eval fails lint in electron/', async () => {
  const planted = `import { Worker } from 'node:worker_threads';
function check(): boolean { return true; }
export const w = new Worker(\`const check = \${check.toString()};\`, { eval: true });`;
  const found = await messages(planted);
  assert.equal(found.length, 2, JSON.stringify(found));
  assert.ok(found.every((m) => /startWorker/.test(m)));
  // Options built apart from the call are caught by the eval flag alone.
  assert.equal((await messages(`import { Worker } from 'node:worker_threads';\nconst o = { eval: true };\nexport const w = new Worker(process.argv[2], o);`)).length, 1);
  assert.equal((await messages(`import { Worker } from 'node:worker_threads';\nexport const w = new Worker('process.exit(0)');`, 'electron/devices/planted.ts')).length, 1);
});

test('a worker module started by startWorker passes, and the tsx shim in worker-start.ts is the one exception', async () => {
  const ok = `import { startWorker } from '../workers/worker-start';
export const w = startWorker('chunk-hash', import.meta.url, { workerData: {} });`;
  assert.deepEqual(await messages(ok), []);
  const [r] = await eslint.lintFiles([`${root}electron/core/workers/worker-start.ts`]);
  assert.deepEqual(r.messages, []);
});
