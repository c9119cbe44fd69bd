// Units and numbers as a paper prints them: a fixed number of significant
// digits, SI prefixes on the unit (13.3 µs, 2.06 ms, 4.20 GB/s), scientific
// notation with a superscript exponent for the very small and very large
// (2.75 × 10⁻⁴), a true minus sign, thousands grouped (1,024). Pure
// TypeScript: the workbench, the exports and the CLI share it.

export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'min';

export const TIME_UNIT_LABEL: Record<TimeUnit, string> = { ns: 'ns', us: 'µs', ms: 'ms', s: 's', min: 'min' };
const SECONDS: Record<TimeUnit, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, min: 60 };

const tokens = (name: string) => name.toLowerCase().split(/[_\s]+/);

/**
 * The time unit in a metric's name ('us_per_sample_batch32' → 'us',
 * 'latency_us_p50' → 'us', 'qsvm_kernel_s_1000' → 's'), or null when the
 * name carries none or names a rate ('samples_per_s').
 */
export function metricTimeUnit(name: string): TimeUnit | null {
  const t = tokens(name);
  for (let i = 0; i < t.length; i++) {
    if (t[i] in SECONDS) return i > 0 && t[i - 1] === 'per' ? null : (t[i] as TimeUnit);
  }
  return null;
}

/** A rate per unit of time ('samples_per_s', 'gb_per_s'). */
export function isRate(name: string): boolean {
  const t = tokens(name);
  return t.some((x, i) => i > 0 && t[i - 1] === 'per' && x in SECONDS);
}

/** Powers of ten of each unit (and minutes as 60 s), so 606 ms is exactly 606000 µs. */
const EXP: Record<TimeUnit, [number, number]> = { ns: [-9, 1], us: [-6, 1], ms: [-3, 1], s: [0, 1], min: [0, 60] };
export function convertTime(value: number, from: TimeUnit, to: TimeUnit): number {
  const [ef, mf] = EXP[from], [et, mt] = EXP[to];
  const p = ef - et;
  const scaled = p >= 0 ? value * 10 ** p : value / 10 ** -p;
  return (scaled * mf) / mt;
}

/** The typographic minus (U+2212): what papers print, and what lines up in tables. */
export const MINUS = '−';
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '+': '', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

/** Digits as superscripts: 2^14 → '2¹⁴'. */
export const superscriptDigits = (s: string) => s.replace(/[-+\d]/g, (c) => SUPERSCRIPT[c] ?? c);

/** Digits as subscripts: 'Z0' → 'Z₀' (observables' qubit indices). */
export const subscriptDigits = (s: string) => s.replace(/\d/g, (d) => SUBSCRIPT[Number(d)]);

const sign = (v: number) => (v < 0 || Object.is(v, -0) ? MINUS : '');
/** 1234567 → '1,234,567'. */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** |v| to `digits` significant digits, without exponent notation (caller keeps |v| < 10^digits). */
function fixedSig(a: number, digits: number): string {
  if (a === 0) return digits > 1 ? `0.${'0'.repeat(digits - 1)}` : '0';
  const s = a.toPrecision(digits);
  return /e/.test(s) ? String(Number(s)) : s;
}

/** 2.75 × 10⁻⁴ (`digits` significant digits), sign included. */
export function scientific(v: number, digits = 3): string {
  const [m, e] = Math.abs(v).toExponential(Math.max(0, digits - 1)).split('e');
  const exp = String(Number(e)).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');
  return `${sign(v)}${m} × 10${exp}`;
}

export interface NumberStyle {
  /** Significant digits (default 3). */
  digits?: number;
  /** Whole numbers (counts): no decimals, grouped. */
  integer?: boolean;
  /** Print a '+' on positive values (differences). */
  plus?: boolean;
}

/**
 * A plain number: `digits` significant digits; values from 10^digits up are
 * rounded to whole numbers and grouped (2,057); below 10⁻³ or from 10⁶ up in
 * scientific notation.
 */
export function formatNumberSig(v: number, style: NumberStyle = {}): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : `${sign(v)}∞`;
  const digits = style.digits ?? 3;
  const plus = style.plus && v > 0 ? '+' : '';
  const a = Math.abs(v);
  if (style.integer && a < 1e15) return `${plus}${Math.round(a) === 0 ? '' : sign(v)}${group(String(Math.round(a)))}`;
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return `${plus}${scientific(v, digits)}`;
  if (a >= 10 ** digits) return `${plus}${sign(v)}${group(String(Math.round(a)))}`;
  return `${plus}${a === 0 ? '' : sign(v)}${fixedSig(a, digits)}`;
}

/** SI prefixes by powers of 1000, from nano to tera. */
const PREFIXES: [number, string][] = [[-9, 'n'], [-6, 'µ'], [-3, 'm'], [0, ''], [3, 'k'], [6, 'M'], [9, 'G'], [12, 'T']];

/**
 * A value in a unit with an SI prefix chosen so the number is in [1, 1000):
 * 1.33e-5 's' → '13.3 µs', 4.2e9 'B/s' → '4.20 GB/s'. `allowed` limits the
 * prefixes (times stop at seconds: minutes follow). A word unit ('samples/s')
 * takes the prefix on the number: '16.7k samples/s'.
 */
export function formatSI(v: number, unit: string, style: NumberStyle & { allowed?: string[] } = {}): string {
  if (!Number.isFinite(v)) return formatNumberSig(v);
  const digits = style.digits ?? 3;
  const plus = style.plus && v > 0 ? '+' : '';
  const a = Math.abs(v);
  const word = /^[a-z]{2,}/i.test(unit) && !/^(min|Hz)/.test(unit);
  const allowed = PREFIXES.filter(([, p]) => !style.allowed || style.allowed.includes(p));
  if (a === 0) return `${plus}0 ${unit}`;
  let i = allowed.length - 1;
  while (i > 0 && a < 10 ** allowed[i][0]) i--;
  let scaled = a / 10 ** allowed[i][0];
  // 999.96 µs rounds to 1000 µs: take the next prefix instead
  if (Number(scaled.toPrecision(digits)) >= 1000 && i < allowed.length - 1) {
    i++;
    scaled = a / 10 ** allowed[i][0];
  }
  const p = allowed[i][1];
  const num = scaled >= 10 ** digits ? group(String(Math.round(scaled))) : fixedSig(scaled, digits);
  return word ? `${plus}${sign(v)}${num}${p} ${unit}` : `${plus}${sign(v)}${num} ${p}${unit}`;
}

/** A duration in seconds with a readable unit and 3 significant digits: 22.8 µs, 606 ms, 17.0 min. */
export function formatSeconds(s: number, style: NumberStyle = {}): string {
  if (!Number.isFinite(s)) return formatNumberSig(s);
  const a = Math.abs(s);
  const plus = style.plus && s > 0 ? '+' : '';
  if (a >= 7200) return `${plus}${sign(s)}${fixedSig(a / 3600, style.digits ?? 3)} h`;
  if (a >= 120) return `${plus}${sign(s)}${fixedSig(a / 60, style.digits ?? 3)} min`;
  return formatSI(s, 's', { ...style, allowed: ['n', 'µ', 'm', ''] });
}

/**
 * A plain number for axes and places without a metric: 4 significant digits
 * (6 from 1000 up), trailing zeros dropped; scientific outside 10⁻³…10⁶.
 */
export function formatPlain(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return scientific(v, 3).replace(/\.?0+ ×/, ' ×');
  if (Number.isInteger(v)) return `${sign(v)}${a}`;
  return `${sign(v)}${a.toPrecision(a >= 1000 ? 6 : 4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}

/**
 * An axis tick: the same number and unit with trailing zeros dropped
 * ('2.00 ms' → '2 ms', '−3.0000' → '−3', '90.0%' → '90%'): a tick marks a
 * round value, it does not report a measurement.
 */
export const trimZeros = (text: string) => text.replace(/(\d)\.(\d*?)0+(?!\d)/g, (_m, a: string, b: string) => (b ? `${a}.${b}` : a));
