/**
 * `--per-image <file>` of `segaware eval`: one row per image, as CSV or JSON (by the
 * file's extension), so a user can find the images that pull a mean down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError as CommanderArgError } from 'commander';

/** A per-image row: the pairing name, then numbers (NaN allowed) or number arrays. */
export type PerImageRow = { name: string } & Record<string, string | number | number[]>;

/**
 * Parses `--per-image`: a path ending in `.csv` or `.json`.
 *
 * @throws commander's InvalidArgumentError for another extension
 * @example perImageFlag('scores.csv') // 'scores.csv'
 */
export function perImageFlag(v: string): string {
  const ext = extname(v).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw new CommanderArgError('--per-image must end in .csv or .json (the format follows the extension)');
  return v;
}

const csvCell = (v: unknown): string => {
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Writes `rows` to `path`: JSON (an array of objects; NaN → null) or CSV (a header from the
 * first row's keys; array-valued columns are left out, NaN is an empty cell). Creates the
 * parent folder.
 *
 * @param path  the `.csv` or `.json` file
 * @param rows  one object per image, same keys in each
 * @returns the absolute path written
 * @example writePerImage('scores.csv', [{ name: 'a', pixelAccuracy: 0.9, meanIoU: 0.5 }])
 */
export function writePerImage(path: string, rows: PerImageRow[]): string {
  const out = resolve(path);
  mkdirSync(dirname(out), { recursive: true });
  if (extname(out).toLowerCase() === '.json') {
    writeFileSync(out, `${JSON.stringify(rows, (_, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2)}\n`);
    return out;
  }
  const keys = rows.length ? Object.keys(rows[0]!).filter((k) => !Array.isArray(rows[0]![k])) : ['name'];
  const lines = [keys.join(','), ...rows.map((r) => keys.map((k) => csvCell(r[k])).join(','))];
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}
