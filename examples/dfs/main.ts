/**
 * `npx tsx examples/dfs/main.ts [options]` — the DFS experiment (see run_dfs.ts).
 * Defaults are the demo's scale; on Cityscapes with tfjs-node-gpu use e.g.
 * `--data ~/cityscapes --size 256x512 --steps 20000 --batch 4 --backend node-gpu`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { addCommonOptions, commonOptions, positiveInt } from '../common/cli.js';
import { runDfs } from './run_dfs.js';

const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${v}"`);
  return n;
};

export function dfsCommand(): Command {
  const cmd = new Command('dfs').description('DFS: train a segmenter, then a dehazer without and with L_seg; report Hazy / Dehaze / DFS / GT');
  addCommonOptions(cmd, { size: '64x128', steps: 600, batch: 4, out: 'runs/dfs', checkpointEvery: 100, trainCount: 300, testCount: 60 });
  return cmd
    .option('--seg-steps <n>', 'segmenter training steps (default: --steps)', positiveInt('--seg-steps'))
    .option('--lambda-pixel <x>', 'λ1, L1 weight', num('--lambda-pixel'), 10)
    .option('--lambda-perceptual <x>', 'λ2, VGG conv5_4 feature MSE weight (needs --vgg-weights)', num('--lambda-perceptual'), 0)
    .option('--lambda-seg <x>', 'λ3, L_seg weight', num('--lambda-seg'), 10)
    .addOption(
      new Option('--seg-loss <loss>', "L_seg: 'l2' (poster: softmax vs one-hot), 'ce', 'kl', or the IoU surrogates of the poster's future work 'lovasz' (Lovász-Softmax), 'dice'")
        .choices(['l2', 'ce', 'kl', 'lovasz', 'dice'])
        .default('l2'),
    )
    .option('--vgg-weights <file>', 'VGG-19 weights (torchvision safetensors or tfjs model.json)')
    .addOption(new Option('--foggy-beta <b>', 'Foggy Cityscapes β').choices(['0.005', '0.01', '0.02']).default('0.02'))
    .option('--ngf <n>', 'dehazer / discriminator base width', positiveInt('--ngf'), 16)
    .option('--lr <x>', 'dehazer and discriminator learning rate (Adam, β1 0.5)', num('--lr'), 2e-4)
    .action(async () => {
      const o = cmd.opts();
      const result = await runDfs({
        ...commonOptions(cmd),
        segSteps: o.segSteps,
        lambdaPixel: o.lambdaPixel,
        lambdaPerceptual: o.lambdaPerceptual,
        lambdaSeg: o.lambdaSeg,
        segMode: o.segLoss,
        vggWeights: o.vggWeights,
        foggyBeta: Number(o.foggyBeta),
        ngf: o.ngf,
        lr: o.lr,
      });
      console.log(`\n${result.table}\nreport: ${result.report.html} (${result.seconds} s)`);
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await dfsCommand().parseAsync(process.argv);
}
