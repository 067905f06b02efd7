/**
 * What every `segaware` subcommand shares: one-line error reporting, numeric
 * flag parsers that name the flag, and the guard that keeps outputs away from
 * inputs (a run with `--out` equal to `--in` once overwrote its source images
 * and exited 0).
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { InvalidArgumentError as CommanderArgError } from 'commander';
import { SegawareError } from '../errors.js';

/**
 * Runs a subcommand action; a segaware or argument error is printed as one
 * line (`error: …`, no stack trace) with exit code 1. Set SEGAWARE_CLI_THROW=1 to rethrow.
 */
export function friendly<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (process.env.SEGAWARE_CLI_THROW === '1' || !(e instanceof SegawareError || e instanceof CommanderArgError)) throw e;
      console.error(`error: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  };
}

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
