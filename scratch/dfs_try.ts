import { runDfs } from '../examples/dfs/run_dfs.ts';
const a = process.argv.slice(2).map(Number);
const r = await runDfs({ size: [64, 128], steps: a[0] ?? 20, segSteps: a[1] ?? 20, batch: 4, out: '/tmp/dfs_try', resume: process.env.RESUME === '1', seed: 0, segMode: (process.env.SEGMODE as any) ?? 'l2', checkpointEvery: 1000, sampleEvery: 0, trainCount: a[2] ?? 100, testCount: 40, lambdaSeg: a[3] ?? 10, lr: a[4] ?? 2e-4 });
console.log(r.table, r.seconds, r.phases.map(p => [p.name, p.seconds]));
