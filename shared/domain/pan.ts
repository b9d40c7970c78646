// PAN helpers. A PAN never leaves the device command unmasked: masking keeps at most the
// first 6 and the last 4 digits (PCI CP); shorter PANs keep fewer so that at least the
// middle digits are always hidden.
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,19}$/.test(digits)) return false;
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

export function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return String(d);
  throw new Error('unreachable');
}

export function maskPan(pan: string, maskChar = '*'): string {
  const digits = pan.replace(/\D/g, '');
  const n = digits.length;
  if (n === 0) return '';
  const head = n >= 16 ? 6 : Math.max(0, Math.min(6, n - 8));
  const tail = n >= 10 ? 4 : Math.max(0, Math.min(4, n - 6));
  return digits.slice(0, head) + maskChar.repeat(n - head - tail) + digits.slice(n - tail);
}

/** Masks every run of 12–19 digits (optionally grouped by spaces or dashes) in free text. */
export function maskPansInText(text: string): string {
  return text.replace(/\b(?:\d[ -]?){11,18}\d\b/g, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 12 || digits.length > 19) return m;
    return maskPan(digits);
  });
}
