/**
 * How a report's Summary table shows a value: readable text, never raw JSON —
 * numbers to 4 significant digits, objects as `key: value` pairs, lists joined
 * with commas. `summary.json` keeps the full-precision values.
 */
import { formatCell } from './report_types.js';

/** Significant digits of a non-integer number in the Summary table. */
const SUMMARY_DIGITS = 4;

/**
 * A number for the Summary table: integers unchanged; other finite numbers
 * rounded to 4 significant digits (exponent notation below 1e-3 and from 1e6);
 * NaN and ±Infinity as `NaN`, `∞`, `−∞`.
 *
 * @example
 * formatSummaryNumber(0.123456); // "0.1235"
 * formatSummaryNumber(2000);     // "2000"
 * formatSummaryNumber(3.2e-7);   // "3.200e-7"
 */
export function formatSummaryNumber(x: number): string {
  if (!Number.isFinite(x)) return formatCell(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(SUMMARY_DIGITS - 1).replace('e+', 'e');
  return String(Number(x.toPrecision(SUMMARY_DIGITS)));
}

/**
 * A Summary value as text: numbers by {@link formatSummaryNumber}; strings as
 * they are; booleans `yes`/`no`; null/undefined `—`; arrays (and typed arrays)
 * `a, b, c`; objects `key: value, key: value`. Nested arrays show as `[a, b]`
 * and nested objects as `(key: value, …)`, so the structure stays readable
 * without JSON's quotes and braces.
 *
 * @example
 * formatSummaryValue({ psnr: 21.93456, ssim: 0.871234 }); // "psnr: 21.93, ssim: 0.8712"
 * formatSummaryValue({ size: [64, 128], model: { depth: 3 } }); // "size: [64, 128], model: (depth: 3)"
 */
export function formatSummaryValue(value: unknown): string {
  return format(value, 0);
}

function format(value: unknown, depth: number): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatSummaryNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>, (v) => format(v, depth + 1)).join(', ');
    return depth === 0 ? items : `[${items}]`;
  }
  if (typeof value === 'object') {
    const pairs = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${format(v, depth + 1)}`)
      .join(', ');
    return depth === 0 ? pairs : `(${pairs})`;
  }
  return String(value);
}
