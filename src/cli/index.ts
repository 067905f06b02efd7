/**
 * The `segaware` command line. Subcommands live in their own modules and
 * register themselves on the program: `eval` (metrics), `data` (synthesis and
 * degradations).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { dataCommand } from './data.js';
import { evalCommand } from './eval.js';

export function buildProgram(): Command {
  const program = new Command();
  program.name('segaware').description('Segmentation-aware image restoration tools').version('0.1.0');
  program.addCommand(dataCommand());
  program.addCommand(evalCommand());
  return program;
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
  await buildProgram().parseAsync(process.argv);
}
