// A fault switch: off, on for good, or on for the next N operations it applies to.
export type Fault = boolean | number;

/** Whether the fault fires now; counts a numbered fault down. */
export function fire<K extends string>(faults: { [P in K]: Fault }, name: K): boolean {
  const f = faults[name];
  if (f === true) return true;
  if (typeof f === 'number' && f > 0) {
    faults[name] = f - 1;
    return true;
  }
  return false;
}
