/**
 * Writes a study: `docs/reproduction/<pipeline>.md` (per-row mean ± std over seeds, then one row
 * per claim with its paired difference, 95 % interval, seeds where it holds and a verdict) and
 * the same data as JSON, per-seed values included so every difference can be recomputed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { meanStd, pairedDifference, type PairedDifference } from './stats.js';

/** One claim of a paper: `a − b` on `metric` is expected to be > 0. */
export interface Claim {
  /** e.g. 'DFS − Dehaze' */
  name: string;
  a: string;
  b: string;
  metric: string;
}

export interface StudyResult {
  pipeline: string;
  command: string;
  scale: Record<string, unknown>;
  seeds: number[];
  /** row → metric → per-seed values (same order as `seeds`) */
  values: Record<string, Record<string, number[]>>;
  claims: (Claim & PairedDifference)[];
  /** wall time: the sum of the seeds' run times (seeds may run in parallel processes, see `--only`) */
  seconds: number;
  /** each seed's run time in seconds */
  seedSeconds: number[];
  notes: string[];
  /** further evidence (learning curves, ablations), each a titled Markdown block */
  sections?: { title: string; markdown: string }[];
  /** per-seed evidence behind the sections (kept in the JSON) */
  extra?: Record<string, unknown>;
}

const fmtTime = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);
const fmt = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** Evaluates every claim on the per-seed values (pairing by seed index). */
export function evaluateClaims(values: StudyResult['values'], claims: Claim[]): StudyResult['claims'] {
  return claims.map((c) => {
    const a = values[c.a]?.[c.metric];
    const b = values[c.b]?.[c.metric];
    if (!a || !b) throw new Error(`claim ${c.name} on ${c.metric}: missing row or metric`);
    return { ...c, ...pairedDifference(a, b) };
  });
}

/** The Markdown report. */
export function studyMarkdown(r: StudyResult): string {
  const lines: string[] = [];
  lines.push(`# Reproduction study: ${r.pipeline}`, '');
  lines.push(`Command: \`${r.command}\` — ${r.seeds.length} seeds (${r.seeds.join(', ')}), ${fmtTime(r.seconds)} of compute (per seed: ${r.seedSeconds.map(fmtTime).join(', ')}; 2 CPU cores, wasm, one thread per run).`, '');
  lines.push(`Scale: ${Object.entries(r.scale).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}.`, '');
  lines.push('## Mean ± std over seeds', '');
  // rows with the same metrics share a table (e.g. segmenters vs translators' FID)
  const groups = new Map<string, string[]>();
  for (const row of Object.keys(r.values)) {
    const key = Object.keys(r.values[row]!).join('|');
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [key, rows] of groups) {
    const metrics = key.split('|');
    lines.push(`| | ${metrics.join(' | ')} |`, `|---|${metrics.map(() => '---:').join('|')}|`);
    for (const row of rows) {
      lines.push(`| ${row} | ${metrics.map((m) => { const s = meanStd(r.values[row]![m]!); return `${fmt(s.mean)} ± ${fmt(s.std)}`; }).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.pop();
  lines.push('', '## Claims (paired by seed: same data, same initial weights, same batches)', '');
  lines.push('| claim | metric | mean diff | std | 95 % interval | holds in | verdict |', '|---|---|---:|---:|---|---:|---|');
  for (const c of r.claims) {
    lines.push(`| ${c.name} | ${c.metric} | ${fmt(c.mean)} | ${fmt(c.std)} | [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}] | ${c.holdsIn}/${c.n} | ${c.verdict} |`);
  }
  const count = (v: string) => r.claims.filter((c) => c.verdict === v).length;
  lines.push('', `Verdicts: ${count('holds')} hold, ${count('fails')} fail, ${count('inconclusive')} inconclusive (a claim holds when its whole 95 % t interval is above 0).`);
  for (const sec of r.sections ?? []) lines.push('', `## ${sec.title}`, '', sec.markdown.trimEnd());
  if (r.notes.length) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

/** Writes `<dir>/<pipeline>.md` and `<dir>/<pipeline>.json`; returns their paths. */
export async function writeStudy(dir: string, r: StudyResult): Promise<{ markdown: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const markdown = join(dir, `${r.pipeline}.md`);
  const json = join(dir, `${r.pipeline}.json`);
  await writeFile(markdown, studyMarkdown(r));
  await writeFile(json, JSON.stringify(r, null, 2) + '\n');
  return { markdown, json };
}
