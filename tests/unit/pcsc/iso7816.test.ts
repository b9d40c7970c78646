import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getResponse, maxResponseFor, withLe, commandName } from '../../../electron/devices/pcsc/iso7816';
import { classifyPcscCode, pcscCodeFromMessage, pcscCodeName, SCARD } from '../../../electron/devices/pcsc/codes';
import { PcscError, pcscErrorFrom } from '../../../electron/devices/pcsc/errors';
import { BindingError } from '../../../electron/devices/pcsc/binding';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

test('withLe sets the short Le of every APDU case', () => {
  assert.deepEqual(withLe(hex('80CA9F7F'), 0x2d), hex('80CA9F7F2D')); // case 1 gets an Le
  assert.deepEqual(withLe(hex('80CA9F7F00'), 0x2d), hex('80CA9F7F2D')); // case 2 replaced
  assert.deepEqual(withLe(hex('00A4040002A000'), 0x10), hex('00A4040002A00010')); // case 3 gets one
  assert.deepEqual(withLe(hex('00A4040002A00000'), 0x10), hex('00A4040002A00010')); // case 4 replaced
  assert.deepEqual(withLe(hex('80CA000000 0000'), 0x20), hex('80CA0000000020')); // case 2E
  assert.deepEqual(withLe(hex('80EE000000 0002 AABB'), 0x20), hex('80EE0000000002AABB0020')); // case 3E
  const orig = hex('00A4040002A00000');
  withLe(orig, 0x10);
  assert.deepEqual(orig, hex('00A4040002A00000'), 'the original command is not modified');
});

test('GET RESPONSE keeps the logical channel and drops proprietary/secure-messaging class bits', () => {
  assert.deepEqual(getResponse(0x00, 0x10), hex('00C0000010'));
  assert.deepEqual(getResponse(0x80, 0x00), hex('00C0000000'));
  assert.deepEqual(getResponse(0x84, 0x20), hex('00C0000020'));
  assert.deepEqual(getResponse(0x0d, 0x20), hex('01C0000020')); // channel 1, SM bits dropped
  assert.deepEqual(getResponse(0x45, 0x20), hex('45C0000020')); // further logical channel 5
});

test('response buffer fits 61 00 answers and extended APDUs', () => {
  assert.equal(maxResponseFor(hex('80CA9F7F00')), 258);
  assert.equal(maxResponseFor(hex('80EE000000000101')), 65538);
});

test('command names carry INS and CLA only', () => {
  assert.equal(commandName(hex('84E2800010 00112233445566778899AABBCCDDEEFF')), 'command INS E2 (CLA 84)');
});

test('PC/SC codes are read from pcsclite messages and classified', () => {
  const code = pcscCodeFromMessage('SCardTransmit error: Card was removed.(0x80100069)');
  assert.equal(code, SCARD.W_REMOVED_CARD);
  assert.equal(classifyPcscCode(code), 'CARD_REMOVED');
  assert.equal(classifyPcscCode(SCARD.E_NO_SERVICE), 'NO_SERVICE');
  assert.equal(classifyPcscCode(SCARD.E_SHARING_VIOLATION), 'SHARING_VIOLATION');
  assert.equal(classifyPcscCode(SCARD.E_NO_SMARTCARD), 'NO_CARD');
  assert.equal(classifyPcscCode(SCARD.E_READER_UNAVAILABLE), 'READER_GONE');
  assert.equal(classifyPcscCode(SCARD.E_TIMEOUT), 'TIMEOUT');
  assert.equal(classifyPcscCode(0x80100099), 'UNKNOWN');
  assert.equal(pcscCodeFromMessage('Card Reader not connected'), undefined);
  assert.equal(pcscCodeName(SCARD.E_NO_SERVICE), 'SCARD_E_NO_SERVICE (0x8010001D)');
});

test('PcscError keeps the numeric code and names what failed', () => {
  const e = pcscErrorFrom(new BindingError('x', SCARD.E_SHARING_VIOLATION), 'connect', 'Reader A');
  assert.ok(e instanceof PcscError);
  assert.equal(e.code, 'SHARING_VIOLATION');
  assert.equal(e.pcscCode, SCARD.E_SHARING_VIOLATION);
  assert.equal(e.device, 'Reader A');
  assert.match(e.message, /^Reader A: connect failed: SCARD_E_SHARING_VIOLATION/);
  assert.equal(pcscErrorFrom(new Error('odd'), 'connect').code, 'UNKNOWN');
});
