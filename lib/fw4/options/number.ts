// ucode's `+value` conversion: fw4 feeds option strings through it for ints, marks and ports.

/** A string converted the way ucode's unary plus does; NaN when it is not a number. */
export function ucNumber(text: string): number {
  const s = text.trim();
  if (s === '') return 0;
  if (/^[+-]?0x[0-9a-f]+$/i.test(s)) {
    const negative = s.startsWith('-');
    const value = parseInt(s.replace(/^[+-]?0x/i, ''), 16);
    return negative ? -value : value;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  if (/^[+-]?(infinity|nan)$/i.test(s)) return Number(s.replace(/infinity/i, 'Infinity'));
  return NaN;
}

/** ucode prints integral numbers without a fraction and others as %g-like doubles. */
export function ucNumberText(n: number): string {
  return Number.isInteger(n) ? String(n) : String(n);
}
