/**
 * `createProgress`: a progress display for training loops — a cli-progress bar
 * with ETA and the current loss terms on a terminal, plain periodic lines when
 * the output is not a TTY (CI logs, files, pipes).
 */
import cliProgress from 'cli-progress';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';

/** The stream a progress display writes to (e.g. `process.stdout`). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Total number of steps (the bar's 100 %). Required. */
  total: number;
  /** Label in front of the bar / each line (default `'train'`). */
  title?: string;
  /** Steps already done (resume): the display starts there and the ETA counts only new steps (default 0). */
  startStep?: number;
  /** Where to write (default `process.stdout`). */
  stream?: ProgressStream;
  /** Force bar (`true`) or line (`false`) mode; default `stream.isTTY`. */
  tty?: boolean;
  /** Line mode: print every this many steps (default ⌈total / 20⌉, i.e. ~20 lines per run). */
  everySteps?: number;
  /** Line mode: also print when this many seconds passed since the last line (default 30). */
  everySeconds?: number;
  /** Print nothing (default: true when the environment variable `SEGAWARE_QUIET=1`). */
  quiet?: boolean;
}

/** Keys of {@link ProgressOptions} (checked by {@link createProgress}). */
const PROGRESS_KEYS = ['total', 'title', 'startStep', 'stream', 'tty', 'everySteps', 'everySeconds', 'quiet'] as const;

/** A running progress display. */
export interface Progress {
  /** Reports that `step` (1-based, ≤ total) is done, with the current loss terms. */
  update(step: number, terms?: Record<string, number>): void;
  /** Prints a message without breaking the bar (line mode: just the message). */
  log(message: string): void;
  /** Finishes the display (prints the final line in line mode). Idempotent. */
  stop(): void;
}

/** Compact number for a progress line: 4 significant digits, exponent outside [1e-3, 1e4). */
export function formatTerm(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** `name=value name=value …` for a terms object. */
export function formatTerms(terms: Record<string, number>): string {
  return Object.entries(terms)
    .map(([k, v]) => `${k}=${formatTerm(v)}`)
    .join(' ');
}

/** Human duration: `42s`, `3m05s`, `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Creates a progress display for `total` steps.
 *
 * - TTY: a `cli-progress` bar `title [████░░] 40% | 80/200 | 0m12s < ETA 0m18s | d_total=0.69 g_l1=0.12`.
 * - not a TTY: one line every `everySteps` steps or `everySeconds` seconds and at the end:
 *   `title step 80/200 (40.0%) | 6.52 it/s | elapsed 12s | ETA 18s | d_total=0.69 g_l1=0.12`.
 *
 * The ETA is `(total − step) / rate`, with the rate measured over the steps of
 * this process (so a resumed run is not credited with the resumed steps).
 *
 * @example
 * const progress = createProgress({ total: steps, title: 'dfs', startStep });
 * for (let s = startStep + 1; s <= steps; s++) progress.update(s, await step(batch));
 * progress.stop();
 */
export function createProgress(options: ProgressOptions): Progress {
  if (options === undefined) throw new InvalidArgumentError('createProgress: options', 'a ProgressOptions object with total', options);
  checkOptions('createProgress', options, PROGRESS_KEYS);
  const { total, title = 'train', startStep = 0, everySeconds = 30 } = options;
  assertNumber('createProgress: options.total', total, { min: 1, integer: true });
  assertNumber('createProgress: options.startStep', startStep, { min: 0, max: total, integer: true });
  const everySteps = options.everySteps ?? Math.max(1, Math.ceil(total / 20));
  assertNumber('createProgress: options.everySteps', everySteps, { min: 1, integer: true });
  assertNumber('createProgress: options.everySeconds', everySeconds, { min: 0 });
  const quiet = options.quiet ?? (typeof process !== 'undefined' && process.env.SEGAWARE_QUIET === '1');
  const stream: ProgressStream = options.stream ?? process.stdout;
  if (stream == null || typeof stream.write !== 'function') throw new InvalidArgumentError('createProgress: options.stream', 'a writable stream', stream);
  const tty = options.tty ?? stream.isTTY === true;

  let stopped = false;
  const checkStep = (step: number) => assertNumber('Progress.update: step', step, { min: 0, max: total });

  if (quiet) {
    return {
      update: checkStep,
      log: () => {},
      stop: () => {},
    };
  }

  if (tty) {
    const bar = new cliProgress.SingleBar({
      format: `${title} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} < ETA {eta_formatted} | {terms}`,
      stream: stream as unknown as NodeJS.WritableStream,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: false,
      etaBuffer: 50,
      fps: 5,
      noTTYOutput: true,
    });
    bar.start(total, startStep, { terms: '' });
    return {
      update(step, terms = {}) {
        checkStep(step);
        if (!stopped) bar.update(step, { terms: formatTerms(terms) });
      },
      log(message) {
        if (stopped) stream.write(`${message}\n`);
        else {
          // clear the bar line, print, and let the bar redraw below
          stream.write(`\r\x1b[2K${message}\n`);
          bar.render();
        }
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }

  const t0 = performance.now();
  let lastLineAt = t0;
  let lastPrinted = -1;
  let lastStep = startStep;
  let lastTerms: Record<string, number> = {};
  const line = (step: number) => {
    const now = performance.now();
    const elapsed = (now - t0) / 1000;
    const done = step - startStep;
    const rate = done > 0 && elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - step) / rate : Number.NaN;
    const pct = ((100 * step) / total).toFixed(1);
    const parts = [
      `${title} step ${step}/${total} (${pct}%)`,
      `${rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3)} it/s`,
      `elapsed ${formatDuration(elapsed)}`,
      `ETA ${step >= total ? '0s' : formatDuration(eta)}`,
    ];
    const t = formatTerms(lastTerms);
    if (t) parts.push(t);
    stream.write(`${parts.join(' | ')}\n`);
    lastLineAt = now;
    lastPrinted = step;
  };
  return {
    update(step, terms = {}) {
      checkStep(step);
      if (stopped) return;
      lastStep = step;
      lastTerms = terms;
      const due =
        step === total ||
        (step - startStep) % everySteps === 0 ||
        (everySeconds > 0 && (performance.now() - lastLineAt) / 1000 >= everySeconds);
      if (due && step !== lastPrinted) line(step);
    },
    log(message) {
      stream.write(`${message}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (lastStep !== lastPrinted && lastStep > startStep) line(lastStep);
    },
  };
}
