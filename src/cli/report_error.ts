/**
 * How an error that reaches the top of the `segaware` command is shown: one line
 * `error: <message>` (what a user can act on), the stack trace only with `--debug`
 * (what a bug report needs). Commander's own usage errors (unknown option, missing required
 * option, a flag value its parser refused) never get here: commander prints its message and
 * exits with code 1 by itself, and that behaviour is kept.
 */
import { InvalidArgumentError as CommanderArgError } from 'commander';
import { SegawareError } from '../errors.js';

/**
 * The text written to stderr for `err`.
 *
 * - a segaware error or a flag error (commander's `InvalidArgumentError` thrown by an
 *   action): `error: <message>\n`;
 * - anything else (a bug, a Node error such as `EACCES`): the same line, plus a hint to
 *   rerun with `--debug`, since the message alone may not say where it came from;
 * - with `debug`: the line, then the stack trace (for a worker thread's error, the
 *   worker's stack).
 *
 * @param err    what was thrown (any value)
 * @param debug  true with the global `--debug` flag
 * @returns the text to write, ending in a newline
 * @example process.stderr.write(formatCliError(new Error('boom'), false)) // "error: boom (rerun with --debug …)\n"
 */
export function formatCliError(err: unknown, debug: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const expected = err instanceof SegawareError || err instanceof CommanderArgError;
  const line = `error: ${message}${expected || debug ? '' : ' (rerun with --debug for the stack trace)'}\n`;
  if (!debug) return line;
  const stack = err instanceof Error && err.stack ? err.stack : String(err);
  return `${line}${stack}\n`;
}
