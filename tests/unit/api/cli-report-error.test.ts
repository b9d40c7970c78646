import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportError } from '../../../electron/cli/main';

// The CLI's last word on an unexpected error: its message may quote what it choked on (a card
// number, a key in hex); it leaves redacted, as the core's errors do.
test('the CLI prints an unexpected error redacted: no full card number, no key hex', () => {
  const out: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stderr.write;
  try {
    assert.equal(reportError(new Error('cannot read 4111111111111111 near 404142434445464748494A4B4C4D4E4F')), 1);
  } finally {
    process.stderr.write = write;
  }
  const text = out.join('');
  assert.match(text, /^perso-station: /);
  assert.ok(!text.includes('4111111111111111') && !text.includes('4A4B4C4D'), text);
  assert.match(text, /411111\*+1111/);
});
