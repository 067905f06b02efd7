/**
 * `npm run reproduce -- <pipeline> [--seeds 5] [--only 3,4] [--scale study|tiny] [--out runs/reproduce] [--report docs/reproduction]`
 *
 * Runs a pipeline over several seeds and writes `<report>/<pipeline>.md` + `.json`: mean ± std per
 * row, and each claim of the paper as a paired difference with its 95 % interval. Deterministic per
 * seed. Pipelines: `dfs`, `cooperative`, `day2night`.
 */
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { cooperativeStudy } from './cooperative_study.js';
import { day2nightStudy } from './day2night_study.js';
import { dfsStudy } from './dfs_study.js';
import { writeStudy } from './report.js';

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--seeds must be a positive integer, got "${v}"`);
  return n;
};

const seedList = (v: string): number[] => {
  const xs = v.split(',').map(Number);
  if (!xs.every((x) => Number.isInteger(x) && x >= 0)) throw new InvalidArgumentError(`--only must be a comma-separated list of seeds ≥ 0, got "${v}"`);
  return xs;
};

const cmd = new Command('reproduce')
  .description('multi-seed reproduction study of a pipeline, with paired differences for each claim')
  .addArgument(new Argument('<pipeline>', 'the pipeline').choices(['dfs', 'cooperative', 'day2night']))
  .option('--seeds <n>', 'number of seeds (0, 1, …, n−1)', positive, 5)
  .addOption(new Option('--scale <scale>', 'tiny (CI) or study').choices(['tiny', 'study']).default('study'))
  .option('--only <list>', 'run only these seeds (e.g. 3,4) and write no report: another process can run other seeds at the same time; the full command then reads every finished seed back', seedList)
  .option('--out <dir>', 'run directory (checkpoints and one result file per finished seed; a killed study resumes)', 'runs/reproduce')
  .option('--report <dir>', 'where the report goes', 'docs/reproduction')
  .action(async (pipeline: 'dfs' | 'cooperative' | 'day2night') => {
    const o = cmd.opts<{ seeds: number; only?: number[]; scale: 'tiny' | 'study'; out: string; report: string }>();
    const seeds = o.only ?? Array.from({ length: o.seeds }, (_, i) => i);
    const study = { dfs: dfsStudy, cooperative: cooperativeStudy, day2night: day2nightStudy }[pipeline];
    // each scale has its own run folder: checkpoints of one scale must never resume another
    const result = await study({ seeds, scale: o.scale, out: `${o.out}/${pipeline}-${o.scale}`, onSeed: (s) => console.log(`seed ${s} …`) });
    if (o.only) {
      console.log(`seeds ${o.only.join(', ')} done (${Math.round(result.seconds)} s); run without --only for the report`);
      return;
    }
    const paths = await writeStudy(o.report, result);
    console.log(`${paths.markdown} (${Math.round(result.seconds)} s)`);
  });

await cmd.parseAsync(process.argv);
