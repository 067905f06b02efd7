/**
 * `writeReport`: one self-contained HTML page per run (tables, loss curves as
 * inline SVG, image grids as base64 data URIs — no external file, font, script
 * or URL), plus `summary.json` and a Markdown file with the same tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { markdownTable, validateTable } from './markdown_table.js';
import { imageDataUri } from './report_images.js';
import { bestCells, formatCell, type ReportContent, type ReportTable } from './report_types.js';
import { formatSummaryValue } from './summary_format.js';
import { escapeXml, lineChartSvg } from './svg_line_plot.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** File name stem: `<basename>.html`, `<basename>.md` (default `'report'`); `summary.json` is fixed. */
  basename?: string;
}

/** Keys of {@link WriteReportOptions} (checked by {@link writeReport}). */
const WRITE_REPORT_KEYS = ['basename'] as const;

/** Paths of the files {@link writeReport} wrote. */
export interface ReportPaths {
  html: string;
  markdown: string;
  summary: string;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 0; background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #dde1e6; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.card > h3:first-child { margin-top: 2px; }
.subtitle { color: #555; margin: 0 0 4px; }
.meta { color: #888; font-size: 12px; margin: 0 0 16px; }
section.card { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 12px 16px 14px; margin: 12px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid #eceff2; text-align: left; }
th { background: #f2f4f7; font-weight: 600; }
td.num, th.num { text-align: right; }
td.best { font-weight: 700; }
tr:last-child td { border-bottom: none; }
.caption { color: #666; font-size: 12px; margin-top: 6px; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; }
.plots figure { margin: 0; background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 6px; }
.plots svg { display: block; width: 100%; height: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; overflow-x: auto; }
.grid.cols { display: grid; justify-content: start; }
.grid figure { margin: 0; text-align: center; }
.grid img { display: block; max-width: 100%; width: auto; height: auto; image-rendering: pixelated; border: 1px solid #ddd; background: #fafafa; cursor: zoom-in; }
.grid figcaption { font-size: 12px; color: #444; margin-top: 2px; word-break: break-word; }
.grid .close { display: none; }
.grid figure:target .close { display: block; position: fixed; inset: 0; z-index: 10; background: rgba(20, 20, 24, 0.88); cursor: zoom-out; }
.grid figure:target img { position: fixed; z-index: 11; inset: 2vh 2vw; width: 96vw; height: 96vh; max-width: none; object-fit: contain; border: none; background: transparent; pointer-events: none; }
.notes p { margin: 6px 0; }
code { font-size: 12px; }
table.summary { width: 100%; table-layout: fixed; }
table.summary th { width: 9em; }
table.summary td { overflow-wrap: anywhere; }
`;

function htmlTable(table: ReportTable): string {
  const digits = table.digits ?? 4;
  const best = bestCells(table);
  const numeric = table.columns.map((_, c) => table.rows.length > 0 && table.rows.every((row) => typeof row[c] === 'number' || row[c] === null));
  const head = table.columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeXml(c)}</th>`).join('');
  const body = table.rows
    .map((row, r) => {
      const cells = row.map((v, c) => {
        const cls = [numeric[c] ? 'num' : '', best.get(c)?.has(r) ? 'best' : ''].filter(Boolean).join(' ');
        return `<td${cls ? ` class="${cls}"` : ''}>${escapeXml(formatCell(v, digits))}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return (
    (table.title ? `<h3>${escapeXml(table.title)}</h3>` : '') +
    `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>` +
    (table.caption ? `<p class="caption">${escapeXml(table.caption)}</p>` : '')
  );
}

function summaryRows(summary: Record<string, unknown>): [string, string][] {
  return Object.entries(summary).map(([k, v]) => [k, formatSummaryValue(v)]);
}

/** Long values (nested objects) fold into a `<details>` element so the summary stays a summary. */
function summaryCell(text: string): string {
  if (text.length <= LONG_SUMMARY_VALUE) return escapeXml(text);
  return `<details><summary>${escapeXml(text.slice(0, 60))}…</summary><code>${escapeXml(text)}</code></details>`;
}

const LONG_SUMMARY_VALUE = 160;

function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)),
  );
}

/**
 * Writes a run report into `dir` (created if needed):
 *
 * - `report.html` — one self-contained page: title, summary (key/value), tables
 *   (best cells in bold), notes, loss curves as inline SVG line plots
 *   ({@link lineChartSvg}), image grids with every image embedded as a base64
 *   `data:` URI. No external URL, stylesheet, font or script.
 * - `summary.json` — `{ title, subtitle, generatedAt, summary, tables }` (NaN/±Infinity as strings).
 * - `report.md` — the title, the summary and every table as Markdown pipe tables.
 *
 * @returns the three paths.
 * @example
 * await writeReport('out/dfs', {
 *   title: 'DFS on synthetic scenes',
 *   tables: [{ title: 'Test set', columns: ['', 'PSNR', 'SSIM', 'mIoU'], rows: [['Hazy', 14.1, 0.71, 0.42], ['DFS', 22.3, 0.88, 0.55]], best: { PSNR: 'max' } }],
 *   curves: [{ title: 'generator', series: ['g_total', 'g_l1'].map((k) => ({ name: k, ...RunLog.series(entries, k) })), smooth: 0.6 }],
 *   images: [{ title: 'test samples', columns: 4, items: [{ src: 'out/dfs/grid.png', label: 'hazy | dehaze | DFS | clear' }] }],
 *   summary: { steps: 2000, seed: 1, finalPsnr: 22.3 },
 * });
 */
export async function writeReport(dir: string, content: ReportContent, options?: WriteReportOptions): Promise<ReportPaths> {
  const o = checkOptions('writeReport', options, WRITE_REPORT_KEYS);
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('writeReport: dir', 'a directory path', dir);
  if (content == null || typeof content !== 'object') throw new InvalidArgumentError('writeReport: content', 'a ReportContent object', content);
  if (typeof content.title !== 'string' || content.title.length === 0) throw new InvalidArgumentError('writeReport: content.title', 'a non-empty string', content.title);
  const { tables = [], curves = [], images = [], summary = {}, notes = [] } = content;
  for (const [name, v] of [['tables', tables], ['curves', curves], ['images', images], ['notes', notes]] as const) {
    if (!Array.isArray(v)) throw new InvalidArgumentError(`writeReport: content.${name}`, 'an array', v);
  }
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) throw new InvalidArgumentError('writeReport: content.summary', 'a plain object', summary);
  tables.forEach((t, i) => validateTable(t, `writeReport: content.tables[${i}]`));
  const basename = o.basename ?? 'report';
  if (typeof basename !== 'string' || !/^[\w.-]+$/.test(basename)) throw new InvalidArgumentError('writeReport: options.basename', 'a file name stem ([A-Za-z0-9_.-])', basename);

  // render everything before touching the disk, so a bad input leaves no half-written report
  const svgs = curves.map((c, i) => {
    try {
      return lineChartSvg(c);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`writeReport: content.curves[${i}]`, e.expected, e.received);
      throw e;
    }
  });
  const grids: string[] = [];
  for (let g = 0; g < images.length; g++) {
    const group = images[g]!;
    if (group == null || !Array.isArray(group.items)) throw new InvalidArgumentError(`writeReport: content.images[${g}].items`, 'an array of { src, label? }', group?.items);
    const figs: string[] = [];
    for (let i = 0; i < group.items.length; i++) {
      const item = group.items[i]!;
      const uri = await imageDataUri(item?.src, `writeReport: content.images[${g}].items[${i}].src`);
      const label = item.label ? `<figcaption>${escapeXml(item.label)}</figcaption>` : '';
      // click to enlarge, CSS only: the link targets the figure, `figure:target` shows the
      // image fitted to the window over a backdrop link that clears the target again
      const id = `img-${g}-${i}`;
      figs.push(
        `<figure id="${id}"><a href="#${id}" title="click to enlarge"><img src="${uri}" alt="${escapeXml(item.label ?? `image ${i + 1}`)}"></a>` +
          `<a class="close" href="#_" aria-label="close"></a>${label}</figure>`,
      );
    }
    const cols = group.columns;
    if (cols !== undefined && !(Number.isInteger(cols) && cols >= 1)) throw new InvalidArgumentError(`writeReport: content.images[${g}].columns`, 'a positive integer', cols);
    // natural size: a column is as wide as its widest image (max-content), never stretched or squeezed
    const grid = cols ? `<div class="grid cols" style="grid-template-columns: repeat(${cols}, max-content)">` : '<div class="grid">';
    grids.push(
      `<section class="card">${group.title ? `<h3>${escapeXml(group.title)}</h3>` : ''}` +
        `${grid}${figs.join('\n')}</div>` +
        (group.caption ? `<p class="caption">${escapeXml(group.caption)}</p>` : '') +
        '</section>',
    );
  }

  const generatedAt = new Date().toISOString();
  const sRows = summaryRows(summary);
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(content.title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    `<h1>${escapeXml(content.title)}</h1>`,
    content.subtitle ? `<p class="subtitle">${escapeXml(content.subtitle)}</p>` : '',
    `<p class="meta">generated ${escapeXml(generatedAt)} by segaware</p>`,
    sRows.length
      ? `<h2>Summary</h2><section class="card"><table class="summary"><tbody>${sRows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${summaryCell(v)}</td></tr>`).join('')}</tbody></table></section>`
      : '',
    tables.length ? `<h2>Results</h2>${tables.map((t) => `<section class="card">${htmlTable(t)}</section>`).join('\n')}` : '',
    notes.length ? `<section class="card notes">${notes.map((n) => `<p>${escapeXml(String(n))}</p>`).join('')}</section>` : '',
    svgs.length ? `<h2>Training curves</h2><div class="plots">${svgs.map((s) => `<figure>${s}</figure>`).join('\n')}</div>` : '',
    grids.length ? `<h2>Images</h2>${grids.join('\n')}` : '',
    '</main></body></html>',
    '',
  ]
    .filter((s) => s !== '')
    .join('\n');

  const md: string[] = [`# ${content.title}`, ''];
  if (content.subtitle) md.push(content.subtitle, '');
  if (sRows.length) md.push(markdownTable({ columns: ['key', 'value'], rows: sRows }));
  for (const t of tables) md.push(markdownTable(t));
  for (const n of notes) md.push(String(n), '');

  mkdirSync(dir, { recursive: true });
  const paths: ReportPaths = { html: join(dir, `${basename}.html`), markdown: join(dir, `${basename}.md`), summary: join(dir, 'summary.json') };
  writeFileSync(paths.html, html);
  writeFileSync(paths.markdown, md.join('\n'));
  const json = jsonSafe({ title: content.title, subtitle: content.subtitle ?? null, generatedAt, summary, tables: tables.map((t) => ({ title: t.title ?? null, columns: t.columns, rows: t.rows, caption: t.caption ?? null })) });
  writeFileSync(paths.summary, `${JSON.stringify(json, null, 2)}\n`);
  return paths;
}
