/**
 * Progress of the long `segaware` commands (`data synth`, `data degrade`, `eval …`): the
 * library's {@link createProgress} on stderr, so stdout keeps only results (tables, the
 * `wrote …` line) and can be piped.
 */
import { createProgress } from '../train/progress.js';
import type { Progress } from '../train/progress.js';

/** The progress flags a command passes on. */
export interface ProgressFlags {
  /** `--progress` (true: always, plain lines when stderr is not a terminal) / `--no-progress` (false); unset: only on a terminal */
  progress?: boolean;
  /** the global `--quiet`: no progress at all */
  quiet?: boolean;
}

/**
 * A progress display for `total` items of a command, or a silent one.
 *
 * On when `--progress` forces it, else when stderr is a terminal (and `SEGAWARE_QUIET` is not
 * `1`); off with `--quiet`, `--no-progress`, or when stderr is not a terminal (CI logs, pipes)
 * unless forced. A
 * forced display on a non-terminal prints createProgress's plain lines
 * (`synth step 2/2 (100.0%) | … it/s | elapsed 0s | ETA 0s`).
 *
 * @param title  label in front of the bar / each line (e.g. `'synth'`)
 * @param total  number of items (≥ 1)
 * @param flags  the command's progress flags
 * @param stream where to draw (default `process.stderr`)
 * @returns a {@link Progress}: `update(done)` after each item, `stop()` at the end
 * @example const bar = commandProgress('synth', o.count, o); for (…) bar.update(i + 1); bar.stop();
 */
export function commandProgress(title: string, total: number, flags: ProgressFlags, stream: NodeJS.WriteStream = process.stderr): Progress {
  // SEGAWARE_QUIET=1 (the library's switch, set in CI) silences the default, not an explicit --progress
  const envQuiet = process.env.SEGAWARE_QUIET === '1';
  const on = flags.quiet !== true && flags.progress !== false && (flags.progress === true || (stream.isTTY === true && !envQuiet));
  return createProgress({ total: Math.max(1, total), title, stream, quiet: !on, everySeconds: 10 });
}
