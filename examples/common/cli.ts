/**
 * The options every example shares (`--data`, `--size`, `--steps`, `--batch`,
 * `--backend`, `--out`, `--resume`, `--seed`, …), parsed and validated once.
 */
import { Command, InvalidArgumentError as CommanderArgError, Option } from 'commander';

/** Parsed common options. */
export interface CommonOptions {
  /** dataset root; undefined = built-in synthetic scenes */
  data?: string;
  /** training/evaluation size `[height, width]` */
  size: [number, number];
  /** training steps of the main phase (other phases scale from it) */
  steps: number;
  batch: number;
  backend?: string;
  threads?: number;
  out: string;
  resume: boolean;
  seed: number;
  /** checkpoint every this many steps */
  checkpointEvery: number;
  /** sample grid every this many steps (0 = only at the end) */
  sampleEvery: number;
  /** synthetic scenes for training / testing */
  trainCount: number;
  testCount: number;
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CommanderArgError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CommanderArgError(`${name} must be an integer ≥ 0, got "${v}"`);
    return n;
  };
}

/** `HxW` (e.g. `128x256`) or a single number for a square. */
export function parseSize(v: string): [number, number] {
  const m = /^(\d+)(?:[x×,](\d+))?$/.exec(v.trim());
  if (!m) throw new CommanderArgError(`--size must be HxW (e.g. 128x256) or one number, got "${v}"`);
  const h = Number(m[1]);
  const w = Number(m[2] ?? m[1]);
  if (h < 16 || w < 16) throw new CommanderArgError(`--size must be at least 16x16, got "${v}"`);
  return [h, w];
}

/** Defaults an example gives its common options. */
export interface CommonDefaults {
  size: string;
  steps: number;
  batch: number;
  out: string;
  checkpointEvery: number;
  trainCount: number;
  testCount: number;
}

/** Adds the shared options to `cmd`. */
export function addCommonOptions(cmd: Command, d: CommonDefaults): Command {
  return cmd
    .option('--data <dir>', 'dataset root (omit for the built-in synthetic street scenes)')
    .option('--size <HxW>', 'training size, height x width', parseSize, parseSize(d.size))
    .option('--steps <n>', 'training steps of the main phase', positiveInt('--steps'), d.steps)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), d.batch)
    .addOption(new Option('--backend <name>', 'force a backend').choices(['node-gpu', 'node', 'webgpu', 'wasm', 'cpu']))
    .option('--threads <n>', 'wasm / tfjs-node threads (default: SEGAWARE_WASM_THREADS or 1)', positiveInt('--threads'))
    .option('--out <dir>', 'output directory (report, logs, checkpoints)', d.out)
    .option('--resume', 'continue from the last checkpoint in --out', false)
    .option('--seed <n>', 'seed of data order, augmentation and weight init', nonNegativeInt('--seed'), 0)
    .option('--checkpoint-every <n>', 'checkpoint interval in steps', positiveInt('--checkpoint-every'), d.checkpointEvery)
    .option('--sample-every <n>', 'sample grid interval in steps (0: at the end only)', nonNegativeInt('--sample-every'), 0)
    .option('--train-count <n>', 'synthetic training scenes', positiveInt('--train-count'), d.trainCount)
    .option('--test-count <n>', 'synthetic held-out test scenes', positiveInt('--test-count'), d.testCount);
}

/** Reads the shared options back from a parsed command. */
export function commonOptions(cmd: Command): CommonOptions {
  const o = cmd.opts();
  return {
    data: o.data,
    size: Array.isArray(o.size) ? (o.size as [number, number]) : parseSize(String(o.size)),
    steps: o.steps,
    batch: o.batch,
    backend: o.backend,
    threads: o.threads,
    out: o.out,
    resume: Boolean(o.resume),
    seed: o.seed,
    checkpointEvery: o.checkpointEvery,
    sampleEvery: o.sampleEvery,
    trainCount: o.trainCount,
    testCount: o.testCount,
  };
}
