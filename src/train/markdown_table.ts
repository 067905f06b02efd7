/**
 * Markdown rendering of report tables (GitHub-flavoured pipe tables).
 */
import { InvalidArgumentError } from '../errors.js';
import { bestCells, formatCell, type ReportTable } from './report_types.js';

function escapeMd(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Throws unless `table` has string columns and rows of the same width. */
export function validateTable(table: ReportTable, name = 'table'): void {
  if (table == null || typeof table !== 'object') throw new InvalidArgumentError(name, 'a ReportTable object', table);
  if (!Array.isArray(table.columns) || table.columns.length === 0 || table.columns.some((c) => typeof c !== 'string')) {
    throw new InvalidArgumentError(`${name}.columns`, 'a non-empty array of strings', table.columns);
  }
  if (!Array.isArray(table.rows)) throw new InvalidArgumentError(`${name}.rows`, 'an array of rows', table.rows);
  table.rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== table.columns.length) {
      throw new InvalidArgumentError(`${name}.rows[${r}]`, `an array of ${table.columns.length} cells`, row);
    }
  });
}

/**
 * Renders `table` as a Markdown pipe table (numeric columns right-aligned, best
 * cells in bold), preceded by `### title` and followed by the caption in italics.
 *
 * @example
 * markdownTable({ columns: ['method', 'PSNR'], rows: [['Hazy', 14.2], ['DFS', 21.37]], digits: 2 });
 * // | method | PSNR |
 * // |---|---:|
 * // | Hazy | 14.20 |
 * // | DFS | 21.37 |
 */
export function markdownTable(table: ReportTable): string {
  validateTable(table);
  const digits = table.digits ?? 4;
  const best = bestCells(table);
  const numeric = table.columns.map((_, c) => table.rows.length > 0 && table.rows.every((row) => typeof row[c] === 'number' || row[c] === null));
  const lines: string[] = [];
  if (table.title) lines.push(`### ${escapeMd(table.title)}`, '');
  lines.push(`| ${table.columns.map(escapeMd).join(' | ')} |`);
  lines.push(`|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`);
  table.rows.forEach((row, r) => {
    const cells = row.map((v, c) => {
      const s = escapeMd(formatCell(v, digits));
      return best.get(c)?.has(r) ? `**${s}**` : s;
    });
    lines.push(`| ${cells.join(' | ')} |`);
  });
  if (table.caption) lines.push('', `*${escapeMd(table.caption)}*`);
  return `${lines.join('\n')}\n`;
}
