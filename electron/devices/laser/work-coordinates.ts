// The controller's work coordinate system against the station's laser jig, read with `$#` at
// every connect: the jig's offsets are only right if G54 is what they were measured with.
/**
 * Holds `$#`'s answer against the G54 the jig was measured with; G92 must be zero (the station
 * never uses it, and it would shift every job). Null when they agree.
 */
export function checkWorkCoordinates(messages: string[] | null, expected: { x: number; y: number }): string | null {
  if (!messages) return 'the laser did not report its work coordinates ($#)';
  const get = (name: string) => {
    const m = messages.map((l) => new RegExp(`^\\[${name}:(-?[\\d.]+),(-?[\\d.]+),(-?[\\d.]+)\\]`).exec(l)).find(Boolean);
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const g54 = get('G54');
  const g92 = get('G92');
  if (!g54 || !g92) return 'the laser did not report its G54 and G92 work coordinates ($#)';
  const off = (a: number, b: number) => Math.abs(a - b) > 0.0005;
  const mm = (v: number) => v.toFixed(3);
  if (off(g54[0], expected.x) || off(g54[1], expected.y))
    return `Work coordinates differ from the station config: G54 is X${mm(g54[0])} Y${mm(g54[1])}, the jig expects X${mm(expected.x)} Y${mm(expected.y)}`;
  if (off(g92[0], 0) || off(g92[1], 0)) return `Work coordinates differ from the station config: a G92 offset X${mm(g92[0])} Y${mm(g92[1])} is set, the jig expects none`;
  return null;
}
