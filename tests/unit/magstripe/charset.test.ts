import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLrc, encodeChar, encodedBits, frameTrack, isTrackChar, oddParityBit, stripFraming } from '../../../shared/magstripe/charset';

// Known answers from published material:
// - MagTek, "I/O Interface for TTL Magnetic Stripe Readers" (99875004), section "Calculating odd
//   parity and LRC" (track 1 message AT3) and section 3 "LRC calculation" (track 2 examples).
// - The ABA track 2 character table (b1 b2 b4 b8 parity, as written on the stripe), reproduced
//   e.g. by dataip.co.uk "Magnetic card BCD" and tehinterweb "Magnetic stripe ABA track 2 encoding".

test('track 2 characters encode to the published 5-bit table (LSB first, odd parity last)', () => {
  const table: Record<string, string> = {
    '0': '00001', '1': '10000', '2': '01000', '3': '11001', '4': '00100', '5': '10101', '6': '01101', '7': '11100',
    '8': '00010', '9': '10011', ':': '01011', ';': '11010', '<': '00111', '=': '10110', '>': '01110', '?': '11111',
  };
  for (const [ch, bits] of Object.entries(table)) assert.equal(encodedBits(2, ch), bits, `character ${ch}`);
  // The same in "P 8 4 2 1" notation: ';' is 0 1011, '5' is 1 0101.
  assert.equal(encodeChar(2, ';'), 0b01011);
  assert.equal(encodeChar(2, '5'), 0b10101);
});

test('track 1 characters of the MagTek AT3 example carry the published parity bits', () => {
  // char: parity, 6 data bits (32 16 8 4 2 1)
  // %: 1 000101 (05)  A: 1 100001 (21)  T: 0 110100 (34)  3: 0 010011 (13)  ?: 0 011111 (1F)
  assert.equal(encodeChar(1, '%'), 0b1_000101);
  assert.equal(encodeChar(1, 'A'), 0b1_100001);
  assert.equal(encodeChar(1, 'T'), 0b0_110100);
  assert.equal(encodeChar(1, '3'), 0b0_010011);
  assert.equal(encodeChar(1, '?'), 0b0_011111);
  assert.equal(encodedBits(1, 'A'), '1000011');
});

test('LRC of the MagTek track 1 example %AT3? is "<" (1C, parity 0)', () => {
  // 05 ^ 21 = 24; ^ 34 = 10; ^ 13 = 03; ^ 1F = 1C -> 0x20 + 0x1C = '<'; 011100 has three ones: parity 0.
  const lrc = computeLrc(1, '%AT3?');
  assert.equal(lrc.value, 0x1c);
  assert.equal(lrc.char, '<');
  assert.equal(lrc.encoded, 0b0_011100);
  assert.equal(frameTrack(1, 'AT3'), '%AT3?<');
});

test('LRCs of the MagTek track 2 examples', () => {
  // ;0?   : 1011 ^ 0000 ^ 1111 = 0100 -> '4', parity 0 (P8421 = 0 0100)
  // ;01?  : 1011 ^ 0000 ^ 0001 ^ 1111 = 0101 -> '5', parity 1 (1 0101)
  // ;0123?: 1011 ^ 0000 ^ 0001 ^ 0010 ^ 0011 ^ 1111 = 0100 -> '4', parity 0
  assert.deepEqual(computeLrc(2, ';0?'), { char: '4', value: 4, encoded: 0b0_0100 });
  assert.deepEqual(computeLrc(2, ';01?'), { char: '5', value: 5, encoded: 0b1_0101 });
  assert.deepEqual(computeLrc(2, ';0123?'), { char: '4', value: 4, encoded: 0b0_0100 });
});

test('LRC of a full track 2, derived by hand', () => {
  // ;4111111111111111=2512201?
  // Fifteen '1's of the PAN XOR to a single 0001. Then, in P8421 data bits:
  // ; 1011 ^ 4 0100 = 1111; ^ 1 0001 = 1110; ^ = 1101 = 0011; ^ 2 0010 = 0001; ^ 5 0101 = 0100;
  // ^ 1 0001 = 0101; ^ 2 0010 = 0111; ^ 2 0010 = 0101; ^ 0 0000 = 0101; ^ 1 0001 = 0100;
  // ^ ? 1111 = 1011 -> 0x3B ';' (the LRC may equal a sentinel); 1011 has three ones: parity 0.
  const framed = frameTrack(2, '4111111111111111=2512201');
  assert.equal(framed, ';4111111111111111=2512201?;');
  assert.equal(framed.length, 27);
  assert.equal(computeLrc(2, ';4111111111111111=2512201?').encoded, 0b0_1011);
});

test('LRC of a full track 1 format B, derived by hand', () => {
  // %B4111111111111111^DOE/JOHN^2512201?  (6-bit values, hex = ASCII - 0x20)
  // Pairs cancel: the two '^' (3E), the two 'O' (2F), the two '1' of "2512201", two of the three '2'.
  // Left: % 05, B 22, 4 14, 1 11 (fifteen '1's -> one), D 24, E 25, / 0F, J 2A, H 28, N 2E, 2 12, 5 15, 0 10, ? 1F
  // 05^22=27 ^14=33 ^11=22 ^24=06 ^25=23 ^0F=2C ^2A=06 ^28=2E ^2E=00 ^12=12 ^15=07 ^10=17 ^1F=08
  // -> 0x20 + 0x08 = '('; 001000 has one 1: parity 0.
  const lrc = computeLrc(1, '%B4111111111111111^DOE/JOHN^2512201?');
  assert.equal(lrc.value, 0x08);
  assert.equal(lrc.char, '(');
  assert.equal(lrc.encoded, 0b0_001000);
});

test('every character of a framed track plus its LRC leaves each bit column even', () => {
  const framed = frameTrack(1, 'B5500000000000004^MUSTERMANN/ERIKA^2912101ABC 123');
  const lrcChar = framed[framed.length - 1];
  let cols = 0;
  for (const ch of framed.slice(0, -1)) cols ^= encodeChar(1, ch) & 0x3f;
  assert.equal(cols ^ (encodeChar(1, lrcChar) & 0x3f), 0);
  for (const ch of framed) {
    const e = encodeChar(1, ch);
    let ones = 0;
    for (let b = 0; b < 7; b++) ones += (e >> b) & 1;
    assert.equal(ones % 2, 1, 'odd parity');
  }
});

test('character sets and parity helper', () => {
  assert.equal(oddParityBit(0), 1);
  assert.equal(oddParityBit(0b111), 0);
  assert.ok(isTrackChar(1, ' ') && isTrackChar(1, '_') && !isTrackChar(1, 'a') && !isTrackChar(1, '`'));
  assert.ok(isTrackChar(2, '0') && isTrackChar(2, '?') && !isTrackChar(2, 'A') && !isTrackChar(2, '/'));
  assert.ok(!isTrackChar(1, '^', true) && !isTrackChar(1, '%', true) && !isTrackChar(1, '?', true) && isTrackChar(1, '/', true));
  assert.ok(!isTrackChar(2, '=', true) && !isTrackChar(2, ';', true) && isTrackChar(2, '<', true));
  assert.throws(() => encodeChar(2, 'A'), RangeError);
  assert.equal(stripFraming(2, ';123=45?;'), '123=45');
  assert.equal(stripFraming(1, 'B1^A^'), 'B1^A^');
});
