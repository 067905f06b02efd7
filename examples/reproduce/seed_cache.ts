/**
 * One seed of a study, cached: the seed's rows (row → metric → value) and its evidence are written
 * to `<out>/seed-<k>/study-seed.json` when the seed finishes, and read back instead of re-running.
 * So a killed study loses at most the seed in progress (whose phases resume from their own
 * checkpoints), and seeds can run in separate processes (`--only 3,4`) before one command
 * assembles the report from every seed's file.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What one seed of a study measured. */
export interface SeedValues<E = unknown> {
  seed: number;
  /** row → metric → value */
  rows: Record<string, Record<string, number>>;
  /** study-specific evidence (learning curves, selections) */
  extra?: E;
  /** wall time of the seed's run, in seconds (the run that computed it, not a cache read) */
  seconds: number;
}

/** Runs `run` for `seed` unless `<out>/seed-<seed>/study-seed.json` holds its result. */
export async function cachedSeed<E>(out: string, seed: number, run: () => Promise<Omit<SeedValues<E>, 'seed' | 'seconds'>>): Promise<SeedValues<E>> {
  const dir = join(out, `seed-${seed}`);
  const path = join(dir, 'study-seed.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as SeedValues<E>;
  // one process per seed: a second one would rewrite the folders (translations, pseudo-labels) the first is reading
  await mkdir(dir, { recursive: true });
  const lock = join(dir, 'study-seed.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid !== process.pid && isAlive(pid)) throw new Error(`seed ${seed} is being run by process ${pid} (${lock}); wait for it, or run other seeds with --only`);
  }
  writeFileSync(lock, String(process.pid));
  try {
    const t0 = performance.now();
    const r = await run();
    const v: SeedValues<E> = { seed, ...r, seconds: (performance.now() - t0) / 1000 };
    await writeFile(path, JSON.stringify(v, null, 2) + '\n');
    return v;
  } finally {
    rmSync(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Row → metric → per-seed values, in the order of `seeds` (every seed must have every row and metric of the first). */
export function collectValues(seeds: SeedValues[]): Record<string, Record<string, number[]>> {
  const values: Record<string, Record<string, number[]>> = {};
  for (const s of seeds) {
    for (const [row, metrics] of Object.entries(s.rows)) {
      for (const [m, v] of Object.entries(metrics)) ((values[row] ??= {})[m] ??= []).push(v);
    }
  }
  for (const [row, metrics] of Object.entries(values)) {
    for (const [m, xs] of Object.entries(metrics)) if (xs.length !== seeds.length) throw new Error(`study: row "${row}" metric ${m} has ${xs.length} of ${seeds.length} seeds`);
  }
  return values;
}
