/**
 * Line plots as self-contained inline SVG (no scripts, fonts or external
 * references), for loss curves in reports.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';
import type { ReportCurve } from './report_types.js';

/** Series colours (Tableau 10). */
export const PLOT_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Escapes `& < > " '` for HTML/SVG text and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * "Nice" tick values covering [min, max]: steps of 1, 2 or 5 × 10^k, about `count` of them.
 * With `integer` the step is at least 1, so every tick is an integer (a step or
 * epoch axis has no step 2.5).
 *
 * @example
 * niceTicks(0, 0.93, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * niceTicks(1, 3, 6, true); // [1, 2, 3] (not 1, 1.5, 2, …)
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const d = integer ? 1 : Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= d;
    max += d;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const step = integer ? Math.max(1, Math.round(nice)) : nice;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo, i = 0; v <= hi + step * 1e-6 && i < 100; v = lo + ++i * step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function tickLabel(v: number, log: boolean): string {
  const x = log ? 10 ** v : v;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(0).replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

/** Debiased exponential moving average (TensorBoard smoothing); non-finite values pass through. */
export function emaSmooth(y: ArrayLike<number>, weight: number): number[] {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    acc = acc * weight + (1 - weight) * v;
    n++;
    out.push(acc / (1 - weight ** n));
  }
  return out;
}

/** Keeps at most ~`max` points, preserving each bucket's min and max (spikes stay visible). */
function decimate(x: number[], y: number[], max: number): { x: number[]; y: number[] } {
  if (x.length <= max) return { x, y };
  const buckets = Math.floor(max / 2);
  const size = x.length / buckets;
  const ox: number[] = [];
  const oy: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const s = Math.floor(b * size);
    const e = Math.min(x.length, Math.floor((b + 1) * size));
    let iMin = -1;
    let iMax = -1;
    for (let i = s; i < e; i++) {
      if (!Number.isFinite(y[i]!)) continue;
      if (iMin < 0 || y[i]! < y[iMin]!) iMin = i;
      if (iMax < 0 || y[i]! > y[iMax]!) iMax = i;
    }
    if (iMin < 0) {
      ox.push(x[s]!);
      oy.push(Number.NaN);
      continue;
    }
    for (const i of iMin <= iMax ? [iMin, iMax] : [iMax, iMin]) {
      if (ox.length > 0 && ox[ox.length - 1] === x[i] && oy[oy.length - 1] === y[i]) continue;
      ox.push(x[i]!);
      oy.push(y[i]!);
    }
  }
  return { x: ox, y: oy };
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  /** Pixel size (default 640 × 320). */
  width?: number;
  height?: number;
  /** Points per series before min/max decimation (default 1500). */
  maxPoints?: number;
}

/** Keys of {@link LineChartOptions} (checked by {@link lineChartSvg}). */
const LINE_CHART_KEYS = ['width', 'height', 'maxPoints'] as const;

/** Legend geometry: one 15 px row per series, the box this much wider than the longest name. */
const LEGEND_ROW = 15;
const LEGEND_CHAR = 6.3;
const LEGEND_PAD = 30;

/**
 * Renders `curve` as an `<svg>` element string: axes with nice ticks and grid
 * lines, one polyline per series (breaking at non-finite values), a legend, the
 * title and axis labels. With `smooth > 0` the raw series is drawn faintly and
 * its EMA on top. Self-contained: no `xmlns` or other URL, no script, system fonts.
 *
 * Layout: the legend sits in the right margin, outside the plot rectangle, so
 * it never hides a curve (the plot narrows by the legend's width). When every
 * x value is an integer (steps, epochs) the x ticks are integers too.
 *
 * Defaults: 640 × 320 px, at most 1500 points per series (min/max decimation).
 *
 * @example
 * const svg = lineChartSvg({ title: 'losses', series: [RunLog.series(entries, 'g_total')].map((s) => ({ name: 'g_total', ...s })) });
 */
export function lineChartSvg(curve: ReportCurve, options?: LineChartOptions): string {
  const { width = 640, height = 320, maxPoints = 1500 } = checkOptions('lineChartSvg', options, LINE_CHART_KEYS);
  if (curve == null || typeof curve !== 'object' || !Array.isArray(curve.series)) {
    throw new InvalidArgumentError('lineChartSvg: curve', 'a ReportCurve { title, series: [...] }', curve);
  }
  assertNumber('lineChartSvg: options.width', width, { min: 1 });
  assertNumber('lineChartSvg: options.height', height, { min: 1 });
  assertNumber('lineChartSvg: options.maxPoints', maxPoints, { min: 4, integer: true });
  const logY = curve.logY === true;
  const smooth = curve.smooth ?? 0;
  if (!(smooth >= 0 && smooth < 1)) throw new InvalidArgumentError('lineChartSvg: curve.smooth', 'a number in [0, 1)', smooth);
  const names = curve.series.map((s) => String(s?.name));
  // the legend takes at most 40 % of the width; longer names are shortened with "…"
  const legendChars = Math.max(4, Math.floor((width * 0.4 - LEGEND_PAD) / LEGEND_CHAR));
  const legendName = (n: string) => (n.length > legendChars ? `${n.slice(0, legendChars - 1)}…` : n);
  const legendW = names.length > 0 ? Math.max(...names.map((n) => legendName(n).length)) * LEGEND_CHAR + LEGEND_PAD : 0;
  const m = { left: 64, right: 16 + (legendW > 0 ? legendW + 10 : 0), top: 34, bottom: 44 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;

  const prepared = curve.series.map((s, i) => {
    if (s == null || s.x == null || s.y == null || s.x.length !== s.y.length) {
      throw new InvalidArgumentError(`lineChartSvg: curve.series[${i}]`, 'x and y of equal length', s);
    }
    const x = Array.from(s.x);
    let y = Array.from(s.y);
    if (logY) y = y.map((v) => (v > 0 ? Math.log10(v) : Number.NaN));
    const smoothed = smooth > 0 ? emaSmooth(y, smooth) : null;
    return { name: String(s.name), raw: decimate(x, y, maxPoints), smoothed: smoothed ? decimate(x, smoothed, maxPoints) : null };
  });

  let xMin = Infinity;
  let xMax = -Infinity;
  let integerX = true;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of prepared) {
    p.raw.x.forEach((xv, i) => {
      const yv = p.raw.y[i]!;
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) return;
      if (!Number.isInteger(xv)) integerX = false;
      xMin = Math.min(xMin, xv);
      xMax = Math.max(xMax, xv);
      yMin = Math.min(yMin, yv);
      yMax = Math.max(yMax, yv);
    });
  }
  const parts: string[] = [];
  parts.push(
    `<svg class="plot" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(curve.title)}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${m.left}" y="18" font-size="13" font-weight="600" fill="#222">${escapeXml(curve.title)}</text>`);
  if (!Number.isFinite(xMin)) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#888">no data</text></svg>`);
    return parts.join('');
  }
  const xt = niceTicks(xMin, xMax, 6, integerX);
  const yt = logY ? niceTicks(Math.floor(yMin), Math.ceil(yMax), 5).filter(Number.isInteger) : niceTicks(yMin, yMax, 5);
  const x0 = Math.min(xt[0] ?? xMin, xMin);
  const x1 = Math.max(xt[xt.length - 1] ?? xMax, xMax);
  const y0 = Math.min(yt[0] ?? yMin, yMin);
  const y1 = Math.max(yt[yt.length - 1] ?? yMax, yMax);
  const sx = (v: number) => m.left + (x1 === x0 ? pw / 2 : ((v - x0) / (x1 - x0)) * pw);
  const sy = (v: number) => m.top + ph - (y1 === y0 ? ph / 2 : ((v - y0) / (y1 - y0)) * ph);
  const f = (v: number) => v.toFixed(1);

  parts.push('<g stroke="#e6e6e6" stroke-width="1">');
  for (const t of yt) parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(sy(t))}" y2="${f(sy(t))}"/>`);
  for (const t of xt) parts.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${m.top}" y2="${m.top + ph}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  parts.push('<g fill="#444">');
  for (const t of yt) parts.push(`<text x="${m.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${escapeXml(tickLabel(t, logY))}</text>`);
  for (const t of xt) parts.push(`<text x="${f(sx(t))}" y="${m.top + ph + 15}" text-anchor="middle">${escapeXml(tickLabel(t, false))}</text>`);
  parts.push('</g>');
  parts.push(`<text x="${m.left + pw / 2}" y="${height - 8}" text-anchor="middle" fill="#444">${escapeXml(curve.xLabel ?? 'step')}</text>`);
  if (curve.yLabel || logY) {
    const label = `${curve.yLabel ?? ''}${logY ? ' (log scale)' : ''}`.trim();
    parts.push(`<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#444">${escapeXml(label)}</text>`);
  }

  const path = (xs: number[], ys: number[]) => {
    let d = '';
    let pen = false;
    xs.forEach((xv, i) => {
      const yv = ys[i]!;
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${f(sx(xv))} ${f(sy(yv))}`;
      pen = true;
    });
    return d;
  };
  parts.push(`<g fill="none" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round">`);
  prepared.forEach((p, i) => {
    const color = PLOT_COLORS[i % PLOT_COLORS.length]!;
    const raw = path(p.raw.x, p.raw.y);
    if (p.smoothed) {
      if (raw) parts.push(`<path d="${raw}" stroke="${color}" stroke-opacity="0.25"/>`);
      const sm = path(p.smoothed.x, p.smoothed.y);
      if (sm) parts.push(`<path class="series" data-name="${escapeXml(p.name)}" d="${sm}" stroke="${color}"/>`);
    } else if (raw) {
      parts.push(`<path class="series" data-name="${escapeXml(p.name)}" d="${raw}" stroke="${color}"/>`);
    }
  });
  parts.push('</g>');

  // legend: a stacked box in the right margin, beside (never over) the curves
  if (prepared.length > 0) {
    const lw = legendW;
    const lh = prepared.length * LEGEND_ROW + 8;
    const lx = m.left + pw + 10;
    const ly = m.top;
    parts.push(`<g class="legend"><rect x="${f(lx)}" y="${ly}" width="${f(lw)}" height="${lh}" fill="#fff" fill-opacity="0.85" stroke="#ccc"/>`);
    prepared.forEach((p, i) => {
      const color = PLOT_COLORS[i % PLOT_COLORS.length]!;
      const y = ly + 14 + i * LEGEND_ROW;
      parts.push(`<rect x="${f(lx + 8)}" y="${y - 5}" width="14" height="3" fill="${color}"/>`);
      parts.push(`<text x="${f(lx + 27)}" y="${y}" fill="#333">${escapeXml(legendName(p.name))}</text>`);
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}
