/**
 * The `segaware` command line. Subcommands live in their own modules and
 * register themselves on the program: `eval` (metrics), `data` (synthesis and
 * degradations). Global options: `--debug` (stack traces), `--quiet` (no progress).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { dataCommand } from './data.js';
import { evalCommand } from './eval.js';
import { markRequiredInHelp } from './help.js';
import { formatCliError } from './report_error.js';

/**
 * The version in segaware's own `package.json`, found by walking up from this module:
 * `src/cli/index.ts` (two levels) and the bundled `dist/cli.js` (one level) sit at
 * different depths, so a fixed relative path would be wrong for one of them.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'segaware' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return '0.0.0';
    dir = up;
  }
}

/**
 * Builds the `segaware` program (commander). Parsing it runs a subcommand, whose errors
 * reject `parseAsync` (use {@link main} for the printed `error: …` and the exit code).
 *
 * @returns the program with `data` and `eval` attached and required options marked in `--help`
 * @example await buildProgram().parseAsync(['node', 'segaware', 'data', 'synth', '--out', 'tree', '--count', '2'])
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('segaware')
    .description('Segmentation-aware image restoration tools')
    .version(packageVersion())
    .option('--debug', 'print the stack trace of an error')
    .option('--quiet', 'no progress display');
  program.addCommand(dataCommand());
  program.addCommand(evalCommand());
  return markRequiredInHelp(program);
}

/**
 * Runs the command line on `argv` and returns the exit code: 0, or 1 after printing
 * `error: <message>` to stderr for any error a command threw (with the stack trace when
 * `--debug` is given, before or after the subcommand). Usage errors (unknown or missing
 * options, a flag value that does not parse) are printed by commander, which exits itself.
 *
 * @param argv   `process.argv`-style arguments (`[node, script, ...args]`)
 * @param stderr where the error goes (default `process.stderr`)
 * @returns the exit code
 * @example process.exitCode = await main(process.argv);
 */
export async function main(argv: string[] = process.argv, stderr: { write(s: string): unknown } = process.stderr): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // read the flag from argv too: an error thrown while options were still being parsed leaves opts() empty
    const debug = program.opts().debug === true || argv.slice(2).includes('--debug');
    stderr.write(formatCliError(err, debug));
    return 1;
  }
}

/**
 * True when this module is the program Node was started with. Compared by real path: through
 * npm's bin link (`node_modules/.bin/segaware`, `npx segaware`, `npm i -g`) `argv[1]` is the
 * link, not this file, and a test that imports `buildProgram` must not run the program.
 */
function invokedDirectly(): boolean {
  const entry = typeof process !== 'undefined' ? process.argv[1] : undefined;
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // `segaware eval … | head`: a closed pipe ends the output, it is not an error worth a stack trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  // exitCode, not exit(): stdout (a table piped to a file) is flushed before the process ends
  process.exitCode = await main(process.argv);
}
