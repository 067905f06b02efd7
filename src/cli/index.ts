/**
 * The `segaware` command line. Subcommands live in their own modules and
 * register themselves on the program: `eval` (metrics), `data` (synthesis and
 * degradations).
 */
import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command();
  program.name('segaware').description('Segmentation-aware image restoration tools').version('0.1.0');
  // subcommands: program.addCommand(evalCommand()); program.addCommand(dataCommand());
  return program;
}

const invokedDirectly = typeof process !== 'undefined' && process.argv[1] && /cli\.(c?js|ts)$|cli[\\/]index\.(c?js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  await buildProgram().parseAsync(process.argv);
}
