/**
 * `npm run reproduce -- <pipeline> [--seeds 5] [--scale study|tiny] [--out runs/reproduce] [--report docs/reproduction]`
 *
 * Runs a pipeline over several seeds and writes `<report>/<pipeline>.md` + `.json`: mean ± std per
 * row, and each claim of the paper as a paired difference with its 95 % interval. Deterministic per
 * seed. Implemented: `dfs` (the cooperative and day→night studies are issue 18's remaining work).
 */
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { dfsStudy } from './dfs_study.js';
import { writeStudy } from './report.js';

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--seeds must be a positive integer, got "${v}"`);
  return n;
};

const cmd = new Command('reproduce')
  .description('multi-seed reproduction study of a pipeline, with paired differences for each claim')
  .addArgument(new Argument('<pipeline>', 'the pipeline').choices(['dfs']))
  .option('--seeds <n>', 'number of seeds (0, 1, …, n−1)', positive, 5)
  .addOption(new Option('--scale <scale>', 'tiny (CI) or study').choices(['tiny', 'study']).default('study'))
  .option('--out <dir>', 'run directory (checkpoints; a killed study resumes)', 'runs/reproduce')
  .option('--report <dir>', 'where the report goes', 'docs/reproduction')
  .action(async (pipeline: 'dfs') => {
    const o = cmd.opts<{ seeds: number; scale: 'tiny' | 'study'; out: string; report: string }>();
    const seeds = Array.from({ length: o.seeds }, (_, i) => i);
    const result = await dfsStudy({ seeds, scale: o.scale, out: `${o.out}/${pipeline}`, onSeed: (s) => console.log(`seed ${s} …`) });
    const paths = await writeStudy(o.report, result);
    console.log(`${paths.markdown} (${Math.round(result.seconds)} s)`);
  });

await cmd.parseAsync(process.argv);
