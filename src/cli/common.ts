/**
 * What every `segaware` subcommand shares: numeric flag parsers that name the flag,
 * the guard that keeps outputs away from inputs (a run with `--out` equal to `--in`
 * once overwrote its source images and exited 0) and the one that keeps every write
 * inside `--out` (`data gallery` once wrote into `./docs/images` of wherever it ran).
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { InvalidArgumentError as CommanderArgError } from 'commander';

/**
 * A commander argument parser for an integer flag in `[min, max]`. Throws
 * commander's `InvalidArgumentError`, so the message names the flag and the value:
 * `error: option '--workers <n>' argument '-1' is invalid. --workers must be an integer ≥ 1`.
 */
export function intFlag(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string): number => {
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new CommanderArgError(`${name} must be an integer ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}`);
    }
    return n;
  };
}

/** A commander argument parser for a finite number `> min` (or `≥ min` with `inclusive`). */
export function numberFlag(name: string, min: number, inclusive = false): (v: string) => number {
  return (v: string): number => {
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) || (inclusive ? n < min : n <= min)) throw new CommanderArgError(`${name} must be a finite number ${inclusive ? '≥' : '>'} ${min}`);
    return n;
  };
}

/** `--max-pixels`: the decoded-pixel cap of the image readers (default 2^26 = 8192²). */
export const maxPixelsFlag = intFlag('--max-pixels', 1);

/** The real path of `p`, also when it does not exist yet (the nearest existing ancestor is resolved). */
export function realPathOf(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    tail.unshift(basename(head));
    head = up;
  }
  return join(existsSync(head) ? realpathSync(head) : head, ...tail);
}

/** True when `inner` is `outer` or lies inside it (both real paths). */
export function isSameOrInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Refuses an output folder that is, or lies inside, one of the input folders
 * (symlinks resolved), so a command can never write over what it reads.
 *
 * @throws commander's InvalidArgumentError naming both flags.
 */
export function assertOutsideInputs(outFlag: string, out: string, inputs: [flag: string, path: string | undefined][]): void {
  const o = realPathOf(out);
  for (const [flag, p] of inputs) {
    if (p === undefined) continue;
    const i = realPathOf(p);
    if (isSameOrInside(o, i)) {
      throw new CommanderArgError(`${outFlag} ${out} is ${o === i ? 'the same folder as' : 'inside'} ${flag} ${p}: the outputs would overwrite or mix with the inputs; choose an ${outFlag} outside ${flag}`);
    }
  }
}

/**
 * The path `parts` under the output root `outDir`, refused when it would land outside it:
 * a `..` smuggled in through another flag (`--split ../x`), or a symlink already inside
 * `--out` (a folder or the file itself) that points elsewhere. Call it for every file a
 * command writes, so "nothing is written outside `--out`" holds by construction.
 *
 * @throws commander's InvalidArgumentError naming the path and `--out`.
 * @example writeImage(outputPath(o.out, 'fog.png'), img)
 */
export function outputPath(outDir: string, ...parts: string[]): string {
  const root = resolve(outDir);
  const p = resolve(root, ...parts);
  const refuse = (why: string) => new CommanderArgError(`refusing to write ${p}: ${why} (--out ${outDir}); every output stays inside --out`);
  if (!isSameOrInside(p, root)) throw refuse('it lies outside');
  // an existing symlink at the file itself: its target decides where the bytes go (a dangling one too)
  let link = false;
  try {
    link = lstatSync(p).isSymbolicLink();
  } catch {
    link = false;
  }
  if (link && !existsSync(p)) throw refuse('it is a dangling symlink');
  if (!isSameOrInside(realPathOf(p), realPathOf(root))) throw refuse(`it resolves through a symlink to ${realPathOf(p)}, outside`);
  return p;
}
