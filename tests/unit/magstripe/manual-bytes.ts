// Byte sequences written down from the MSR605/MSR206 programmer's manual ("Command and
// response" table), as libmsr (msr206.h) names them. A piece is either hex bytes ("1B 73") or,
// between quotes in the caller, the ASCII track data the manual shows between the markers.
export function bytes(...pieces: string[]): Buffer {
  return Buffer.concat(pieces.map((p) => (/^([0-9A-F]{2})( [0-9A-F]{2})*$/.test(p) ? Buffer.from(p.split(' ').map((h) => parseInt(h, 16))) : Buffer.from(p, 'latin1'))));
}

export function hex(b: Buffer): string {
  return [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
