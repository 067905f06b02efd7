/**
 * The content model of {@link writeReport}: tables, loss curves, image grids,
 * a summary object and notes. Plain data, so examples can build it from a
 * RunLog and metric accumulators and tests can inspect it.
 */

/** One table cell: numbers are formatted with the table's `digits`; `null` shows as an em dash. */
export type ReportCell = number | string | boolean | null;

/** A table (rendered as HTML, Markdown, and stored in `summary.json`). */
export interface ReportTable {
  /** Heading above the table. */
  title?: string;
  /** Column headers. */
  columns: string[];
  /** Rows; each must have `columns.length` cells. */
  rows: ReportCell[][];
  /** Text under the table (units, what "best" means, caveats). */
  caption?: string;
  /** Digits after the decimal point for non-integer numbers (default 4). */
  digits?: number;
  /** Bold the best numeric cell of these columns: `{ PSNR: 'max', 'LPIPS': 'min' }`. */
  best?: Record<string, 'max' | 'min'>;
  /** Rows (matched by their first cell) left out of the `best` comparison, e.g. `['GT (clear)']` for a reference row. */
  bestExclude?: string[];
}

/** One line of a curve. Non-finite `y` values break the line. */
export interface ReportSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** A line plot (rendered as inline SVG). */
export interface ReportCurve {
  title: string;
  series: ReportSeries[];
  /** Axis labels (default `'step'` and none). */
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic y axis (non-positive values are dropped; default false). */
  logY?: boolean;
  /**
   * Exponential-moving-average smoothing weight in [0, 1) (TensorBoard's
   * slider, debiased): the raw line is drawn faintly and the smoothed line on
   * top. Default 0 (raw only).
   */
  smooth?: number;
}

/** Raw 8-bit pixels, row-major HWC. */
export interface ReportRawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 2 | 3 | 4;
}

/**
 * Where an image comes from: a file path (PNG/JPEG/WebP/GIF embedded as is,
 * anything else sharp reads converted to PNG), encoded bytes (same), or raw
 * pixels (encoded to PNG).
 */
export type ReportImageSource = string | Uint8Array | ReportRawImage;

/** One image of a grid. */
export interface ReportImage {
  src: ReportImageSource;
  /** Caption under the image. */
  label?: string;
}

/** An image grid. */
export interface ReportImageGroup {
  title?: string;
  /**
   * Images per row (default: as many as fit). Images always show at their
   * natural size (shrunk only to fit the page width); click one to see it
   * fitted to the window.
   */
  columns?: number;
  items: ReportImage[];
  caption?: string;
}

/** Everything a report shows. */
export interface ReportContent {
  /** Page title and heading. Required. */
  title: string;
  /** One-line description under the title. */
  subtitle?: string;
  tables?: ReportTable[];
  curves?: ReportCurve[];
  images?: ReportImageGroup[];
  /** Key facts (config, final metrics); shown as a key/value table and written to `summary.json`. */
  summary?: Record<string, unknown>;
  /** Free-text paragraphs shown after the tables (plain text, escaped). */
  notes?: string[];
}

/**
 * Formats a cell: `null`/`undefined` → `—`; integers as is; other finite numbers
 * with `digits` decimals (exponent notation when that would print 0); NaN/±Inf as words.
 *
 * @example
 * formatCell(23.45678, 2); // "23.46"
 */
export function formatCell(value: ReportCell | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  if (value !== 0 && Math.abs(value) < 0.5 * 10 ** -digits) return value.toExponential(Math.max(1, digits - 2));
  return value.toFixed(digits);
}

/** Indices of the rows holding the best value of each column named in `table.best`, by column index. */
export function bestCells(table: ReportTable): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const exclude = new Set(table.bestExclude ?? []);
  for (const [col, dir] of Object.entries(table.best ?? {})) {
    const c = table.columns.indexOf(col);
    if (c < 0) continue;
    let best = dir === 'max' ? -Infinity : Infinity;
    const rows = new Set<number>();
    table.rows.forEach((row, r) => {
      if (exclude.has(String(row[0]))) return;
      const v = row[c];
      if (typeof v !== 'number' || Number.isNaN(v)) return;
      if (v === best) rows.add(r);
      else if (dir === 'max' ? v > best : v < best) {
        best = v;
        rows.clear();
        rows.add(r);
      }
    });
    if (rows.size > 0) out.set(c, rows);
  }
  return out;
}
