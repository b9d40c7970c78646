import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRendererUrl, rendererFile, RENDERER_SCHEME, RENDERER_SCHEME_PRIVILEGES, RENDERER_URL, serveRenderer } from '../../../electron/renderer-protocol';

// The window's renderer scheme, against a mocked protocol and net: registered with V8's code
// cache, trusted only for its own index.html, and serving nothing outside the renderer directory.

const root = join(mkdtempSync(join(tmpdir(), 'renderer-proto-')), 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>station</title>');
writeFileSync(join(root, 'assets', 'start-AbCd1234.js'), 'export {}');
writeFileSync(join(root, '..', 'secret.txt'), 'not for the page');

test('the scheme is standard, secure and keeps compiled code', () => {
  assert.deepEqual(RENDERER_SCHEME_PRIVILEGES, [{ scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, codeCache: true, supportFetchAPI: true, corsEnabled: true } }]);
});

test('only the renderer page is trusted (IPC senders, navigation)', () => {
  assert.ok(isRendererUrl(RENDERER_URL));
  assert.ok(isRendererUrl(`${RENDERER_URL}#/log`));
  for (const u of [`${RENDERER_SCHEME}://renderer/assets/start-AbCd1234.js`, `${RENDERER_SCHEME}://other/index.html`, 'file:///app/index.html', `https://renderer/index.html`, `${RENDERER_URL}.evil`]) assert.equal(isRendererUrl(u), false, u);
});

test('requests map to files under the renderer directory and nowhere else', () => {
  assert.equal(rendererFile(root, RENDERER_URL), join(root, 'index.html'));
  assert.equal(rendererFile(root, `${RENDERER_SCHEME}://renderer/`), join(root, 'index.html'));
  assert.equal(rendererFile(root, `${RENDERER_SCHEME}://renderer/assets/start-AbCd1234.js?x=1`), join(root, 'assets', 'start-AbCd1234.js'));
  // The URL parser already drops dot segments, escaped or not: these stay inside (and name no file).
  assert.equal(rendererFile(root, `${RENDERER_SCHEME}://renderer/../secret.txt`), join(root, 'secret.txt'));
  assert.equal(rendererFile(root, `${RENDERER_SCHEME}://renderer/%2e%2e/secret.txt`), join(root, 'secret.txt'));
  for (const u of [
    `${RENDERER_SCHEME}://renderer/assets/%2e%2e%2f..%2fsecret.txt`,
    `${RENDERER_SCHEME}://renderer/%00index.html`,
    `${RENDERER_SCHEME}://renderer/%E0%A4%A`,
    `${RENDERER_SCHEME}://elsewhere/index.html`,
    'file:///etc/passwd',
  ]) assert.equal(rendererFile(root, u), null, u);
});

test('the handler serves the files through net and answers 404 for anything else', async () => {
  const got: { handler?: (req: Request) => Promise<Response> } = {};
  const protocol = { handle: (scheme: string, fn: (req: Request) => Promise<Response>) => { assert.equal(scheme, RENDERER_SCHEME); got.handler = fn; } };
  const fetched: string[] = [];
  const net = { fetch: async (url: string) => { fetched.push(url); return new Response(readFileSync(fileURLToPath(url))); } };
  serveRenderer(protocol as never, net as never, root);
  const handler = got.handler;
  assert.ok(handler);
  const ok = await handler(new Request(`${RENDERER_SCHEME}://renderer/assets/start-AbCd1234.js`));
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'export {}');
  const out = await handler(new Request(`${RENDERER_SCHEME}://renderer/assets/%2e%2e%2f..%2fsecret.txt`));
  assert.equal(out.status, 404);
  const missing = await handler(new Request(`${RENDERER_SCHEME}://renderer/nope.js`));
  assert.equal(missing.status, 404);
  assert.deepEqual(fetched.map((u) => fileURLToPath(u)), [join(root, 'assets', 'start-AbCd1234.js'), join(root, 'nope.js')]);
});
