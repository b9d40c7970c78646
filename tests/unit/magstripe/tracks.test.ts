import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTracks, framedTracks, mismatchedTracks, parseTrack1, parseTrack2, track1Data, track2Data, truncateName } from '../../../shared/magstripe/tracks';
import { maskTrack } from '../../../shared/magstripe/mask';
import { profile, record } from './fixtures';

test('track 1 format B and track 2 from a record, service code from the record or the product', () => {
  const r = record({ serviceCode: '101', track1Discretionary: '0000123', track2Discretionary: '0000456' });
  assert.equal(track1Data(profile(), r), 'B4111111111111111^DOE/JOHN^25121010000123');
  assert.equal(track2Data(profile(), r), '4111111111111111=25121010000456');
  const noSc = record();
  assert.equal(track2Data(profile({ defaultServiceCode: '221' }), noSc), '4111111111111111=2512221');
});

test('formatTracks writes only the tracks the product asks for', () => {
  const r = record({ fields: { track3: '0141111111111111111=7240000' } });
  assert.deepEqual(formatTracks(profile({ tracks: [2] }), r), [null, '4111111111111111=2512201', null]);
  const all = formatTracks(profile({ tracks: [1, 2, 3] }), r);
  assert.equal(all[0], 'B4111111111111111^DOE/JOHN^2512201');
  assert.equal(all[2], '0141111111111111111=7240000');
});

test('framed tracks carry sentinels and the LRC', () => {
  const [t1, t2, t3] = framedTracks(formatTracks(profile(), record()));
  assert.equal(t1, '%B4111111111111111^DOE/JOHN^2512201?(');
  assert.equal(t2, ';4111111111111111=2512201?;');
  assert.equal(t3, null);
});

test('name truncation cuts the given name first, then the surname', () => {
  assert.equal(truncateName('DOE/JOHN'), 'DOE/JOHN');
  assert.equal(truncateName('MONTGOMERY-WILLIAMSON/ALEXANDRA'), 'MONTGOMERY-WILLIAMSON/ALEX');
  assert.equal(truncateName('ABCDEFGHIJKLMNOPQRSTUVWXY/Z Q'), 'ABCDEFGHIJKLMNOPQRSTUVWXY/');
  assert.equal(truncateName('A'.repeat(30) + '/B'), 'A'.repeat(25) + '/');
  assert.equal(truncateName('VAN DER BERG/ANNA MARIA SOPHIA'), 'VAN DER BERG/ANNA MARIA SO');
  assert.equal(truncateName('X'.repeat(30)), 'X'.repeat(26));
  for (const n of ['A'.repeat(40) + '/B', 'SMITH/' + 'J'.repeat(40)]) assert.ok(truncateName(n).length <= 26);
});

test('parsing track data back gives PAN, expiry and service code, with or without sentinels', () => {
  assert.deepEqual(parseTrack2('4111111111111111=2512201999'), { pan: '4111111111111111', expiry: '2512', serviceCode: '201' });
  assert.deepEqual(parseTrack2(';4111111111111111=2512201?;'), { pan: '4111111111111111', expiry: '2512', serviceCode: '201' });
  assert.deepEqual(parseTrack1('%B5500000000000004^MUSTERMANN/ERIKA^2912101ABC?x'), { pan: '5500000000000004', expiry: '2912', serviceCode: '101' });
  assert.equal(parseTrack2('garbage'), null);
  assert.equal(parseTrack1('A123^X^'), null);
});

test('mismatchedTracks compares only the tracks written', () => {
  const w: [string | null, string | null, string | null] = ['B1^A/B^2512201', '1=2512201', null];
  assert.deepEqual(mismatchedTracks(w, ['B1^A/B^2512201', '1=2512201', '999']), []);
  assert.deepEqual(mismatchedTracks(w, ['%B1^A/B^2512201?', ';1=2512201?', null]), []);
  assert.deepEqual(mismatchedTracks(w, ['B1^A/B^2512201', '1=2512200', null]), [2]);
  assert.deepEqual(mismatchedTracks(w, [null, null, null]), [1, 2]);
});

test('maskTrack shows the masked PAN only, whatever follows', () => {
  assert.equal(maskTrack('%B4111111111111111^DOE/JOHN^2512201?('), '%B411111******1111^***');
  assert.equal(maskTrack(';4111111111111111=2512201?;'), ';411111******1111=***');
  assert.equal(maskTrack('4111111111111111=2512201999'), '411111******1111=***');
  assert.equal(maskTrack('B4111111111111111^DOE/JOHN^2512201'), 'B411111******1111^***');
  assert.equal(maskTrack('NOT A TRACK'), '***');
  assert.equal(maskTrack(null), '');
  // The tail is fixed: the length of the hidden data does not show.
  assert.equal(maskTrack(';4111111111111111=25122019999999999?x').length, maskTrack(';4111111111111111=2512201?x').length);
  assert.ok(!maskTrack('%B4111111111111111^DOE/JOHN^2512201?(').includes('DOE'));
});
