import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childKeyLoader } from '../../../electron/devices/pkcs11/key-loader';

// The loader hands the PIN's length to its child in one byte: a PIN of more than 255 bytes would
// wrap it, log in with a cut PIN and shift the PIN's tail into the key value. Refused before any
// child process starts.
test('a user PIN longer than 255 bytes is refused before the key loader starts', () => {
  const value = Buffer.alloc(16, 0x42);
  const load = childKeyLoader({ module: '/nonexistent/module.so', pin: () => '\u{1F511}'.repeat(64) });
  assert.throws(() => load('kcv', 'K', 'AES', value), (e: Error & { kind?: string }) => /longer than 255 bytes/.test(e.message));
});
