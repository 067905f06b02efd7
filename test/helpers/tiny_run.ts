/** Shared settings of the examples' end-to-end tests: a tiny, quiet wasm run. */
import type { CommonOptions } from '../../examples/common/cli.js';

/** The common options of a tiny example run (32×64, batch 2, 6 training scenes, checkpoints every 2 steps). */
export function tinyRunOptions(out: string, seed: number): Omit<CommonOptions, 'steps' | 'testCount'> & { quiet: true } {
  return { size: [32, 64], batch: 2, out, resume: false, seed, checkpointEvery: 2, sampleEvery: 0, trainCount: 6, quiet: true, backend: 'wasm' };
}

/** Largest absolute element-wise difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
