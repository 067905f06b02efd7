/**
 * `npx tsx examples/day2night/main.ts [options]` — the day→night segmentation
 * experiment (see run_day2night.ts). Defaults are a few minutes on 2 CPU cores
 * with wasm; on a CUDA machine with `@tensorflow/tfjs-node-gpu` installed use e.g.
 * `--backend node-gpu --size 256x512 --steps 20000 --train-count 3000 --vgg-weights vgg19.safetensors`.
 */
import { Command } from 'commander';
import { addCommonOptions, commonOptions, positiveInt } from '../common/cli.js';
import { runDay2night } from './run_day2night.js';

const num = (name: string, max = Infinity) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`${name} must be a number in [0, ${max}], got "${v}"`);
  return n;
};

/** The `day2night` command with its options. */
export function day2nightCommand(): Command {
  const cmd = new Command('day2night').description('UNIT day↔night (without / with VGG), FPN segmenters on day + translated night (CE, CE+focal), self-training on real night selected by histogram or FID');
  addCommonOptions(cmd, { size: '64x128', steps: 40, batch: 2, out: 'runs/day2night', checkpointEvery: 20, trainCount: 40, testCount: 20 });
  return cmd
    .option('--unit-steps <n>', 'steps of each UNIT phase (default: --steps)', positiveInt('--unit-steps'))
    .option('--seg-steps <n>', 'steps of each segmenter phase (default: --steps)', positiveInt('--seg-steps'))
    .option('--self-steps <n>', 'steps of each self-training phase (default: ⌈steps/2⌉)', positiveInt('--self-steps'))
    .option('--pool-count <n>', 'unlabelled real night images (default: --train-count)', positiveInt('--pool-count'))
    .option('--vgg-weights <file>', 'VGG-19 weights for the UNIT perceptual term (torchvision safetensors or tfjs model.json); default: a randomly initialised VGG-19')
    .option('--vgg-layer <name>', 'VGG-19 tap of the perceptual term', 'relu2_2')
    .option('--unit-dim <n>', 'UNIT / discriminator base width', positiveInt('--unit-dim'), 8)
    .option('--seg-width <n>', 'ResNet-18 stem width of the segmenter (64 = torchvision)', positiveInt('--seg-width'), 16)
    .option('--fpn-channels <n>', 'FPN and semantic-head channels (256/128 in Panoptic FPN)', positiveInt('--fpn-channels'), 32)
    .option('--alpha <x>', 'α of α·CE + (1−α)·focal', num('--alpha', 1), 0.5)
    .option('--gamma <x>', 'focal γ', num('--gamma'), 2)
    .option('--lr <x>', 'UNIT learning rate (Adam, β1 0.5)', num('--lr'), 2e-4)
    .option('--seg-lr <x>', 'segmenter learning rate (Adam)', num('--seg-lr'), 1e-3)
    .option('--self-lr <x>', 'self-training learning rate (Adam)', num('--self-lr'), 5e-4)
    .action(async () => {
      const o = cmd.opts();
      const result = await runDay2night({
        ...commonOptions(cmd),
        unitSteps: o.unitSteps,
        segSteps: o.segSteps,
        selfSteps: o.selfSteps,
        poolCount: o.poolCount,
        vggWeights: o.vggWeights,
        vggLayer: o.vggLayer,
        unitDim: o.unitDim,
        segWidth: o.segWidth,
        fpnChannels: o.fpnChannels,
        alpha: o.alpha,
        gamma: o.gamma,
        lr: o.lr,
        segLr: o.segLr,
        selfLr: o.selfLr,
      });
      console.log(`\n${result.table}\n\n${result.translatorTable}\nreport: ${result.report.html} (${result.seconds} s)`);
      result.dispose();
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await day2nightCommand().parseAsync(process.argv);
}
