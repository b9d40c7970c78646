import { z } from 'zod';

// Where the card sits under the laser: the station config's `devices.laser.jig`. The layout's
// positions are card millimetres (origin at the bottom-left corner of the side as seen); the
// laser's are the controller's work coordinates. A card point p lands at
//   machine = offset + R(rotation) · M(p)
// where M mirrors the card first (`x`: x → −x, for a head that engraves through the card from
// the other side; `y`: y → −y) and R turns counter-clockwise by `rotationDeg`.

export const LaserJigSchema = z
  .object({
    /** Where the card's origin (after mirror and rotation) lands in work coordinates, mm. */
    offsetMm: z.object({ x: z.number().min(-1000).max(1000), y: z.number().min(-1000).max(1000) }).strict().default({ x: 0, y: 0 }),
    /** Counter-clockwise turn of the card in the jig: 0, 90, 180, 270, or any angle. */
    rotationDeg: z.number().min(-360).max(360).default(0),
    mirror: z.enum(['none', 'x', 'y']).default('none'),
    /**
     * The controller's G54 work offset the jig was measured with (checked with `$#` at connect;
     * G92 must be zero). Default 0, 0.
     */
    g54Mm: z.object({ x: z.number(), y: z.number() }).strict().default({ x: 0, y: 0 }),
  })
  .strict();
export type LaserJig = z.infer<typeof LaserJigSchema>;

export const IDENTITY_JIG: LaserJig = { offsetMm: { x: 0, y: 0 }, rotationDeg: 0, mirror: 'none', g54Mm: { x: 0, y: 0 } };

export function isIdentityJig(j: LaserJig): boolean {
  return j.offsetMm.x === 0 && j.offsetMm.y === 0 && j.rotationDeg % 360 === 0 && j.mirror === 'none';
}

/** cos/sin exact for the quarter turns, so a 90° jig gives 10.000, not 9.99999999. */
function turn(deg: number): [number, number] {
  const q = ((deg % 360) + 360) % 360;
  if (q === 0) return [1, 0];
  if (q === 90) return [0, 1];
  if (q === 180) return [-1, 0];
  if (q === 270) return [0, -1];
  const r = (q * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

/** Card millimetres → laser work coordinates. */
export function toMachine(j: LaserJig, x: number, y: number): [number, number] {
  const mx = j.mirror === 'x' ? -x : x;
  const my = j.mirror === 'y' ? -y : y;
  const [c, s] = turn(j.rotationDeg);
  return [j.offsetMm.x + c * mx - s * my, j.offsetMm.y + s * mx + c * my];
}

/** Laser work coordinates → card millimetres (the inverse of toMachine). */
export function toCard(j: LaserJig, x: number, y: number): [number, number] {
  const dx = x - j.offsetMm.x;
  const dy = y - j.offsetMm.y;
  const [c, s] = turn(j.rotationDeg);
  const mx = c * dx + s * dy;
  const my = -s * dx + c * dy;
  return [j.mirror === 'x' ? -mx : mx, j.mirror === 'y' ? -my : my];
}

/** One line for people: "offset X10.000 Y20.000, turned 90°, mirrored x". */
export function describeJig(j: LaserJig): string {
  const parts = [`offset X${j.offsetMm.x.toFixed(3)} Y${j.offsetMm.y.toFixed(3)}`];
  if (j.rotationDeg % 360 !== 0) parts.push(`turned ${j.rotationDeg}°`);
  if (j.mirror !== 'none') parts.push(`mirrored ${j.mirror}`);
  return parts.join(', ');
}
