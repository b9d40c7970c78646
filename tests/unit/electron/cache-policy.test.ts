import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheControl } from '../../../electron/bridge/cache-policy';

// Hashed build assets may be kept for good; the page, source maps and anything else never.
test('only content-hashed assets are cacheable', () => {
  for (const p of ['/assets/start-B3GW8-WM.js', '/assets/index-CatIYZ5V.css', '/assets/KeysScreen-CI71oWdA.js']) assert.equal(cacheControl(p), 'public, max-age=31536000, immutable', p);
  for (const p of ['/', '/index.html', '/assets/start-B3GW8-WM.js.map', '/assets/start.js', '/assets/../index.html', '/ws', '/assets/sub/x-B3GW8-WM.js']) assert.equal(cacheControl(p), 'no-store', p);
});
