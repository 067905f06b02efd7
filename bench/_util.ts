/** Shared helpers of the benchmarks: timing, the Python reference runner, table printing. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Best wall time in ms of `reps` runs of `fn` after one warm-up. */
/**
 * Threads on both sides of every comparison (PyTorch's intra-op threads and
 * segaware's XNNPACK threads): `SEGAWARE_BENCH_THREADS`, default 2 — the CI
 * machine's core count. A 1-thread segaware against 2-thread PyTorch would
 * measure the thread count, not the kernels.
 */
export const BENCH_THREADS = Number(process.env.SEGAWARE_BENCH_THREADS ?? 2);

export async function bestMs(fn: () => unknown | Promise<unknown>, reps = 5): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Debian's python3 (which has python3-torch & co.), or SEGAWARE_PYTHON. */
export function pythonExe(): string {
  if (process.env.SEGAWARE_PYTHON) return process.env.SEGAWARE_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Runs a Python reference script that prints one JSON line; null (with a note) if Python or its packages are missing. */
export function runPython<T>(script: string, args: string[] = []): T | null {
  const r = spawnSync(pythonExe(), [script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.log(`(reference ${script} unavailable: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as T;
}

/** Prints a Markdown table. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const fmt = (v: string | number) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : v);
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.map(fmt).join(' | ')} |`);
}
