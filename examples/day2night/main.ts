/**
 * `npx tsx examples/day2night/main.ts [options]` — the day→night segmentation
 * experiment (see run_day2night.ts and docs/pipelines_day2night.md). Defaults are
 * a few minutes on 2 CPU cores with wasm; on Cityscapes + a night set with
 * `@tensorflow/tfjs-node-gpu` installed use e.g.
 * `--data ~/cityscapes --night-dir ~/nexet_night --night-test ~/night_test --backend node-gpu
 *  --size 256x512 --steps 20000 --unit-dim 64 --seg-width 64 --fpn-channels 128 --vgg-weights vgg19.safetensors`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { VGG19_LAYERS } from '../../src/index.js';
import { addCommonOptions, commonOptions, positiveInt } from '../common/cli.js';
import { runDay2night } from './run_day2night.js';

const num = (name: string, max = Infinity) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`${name} must be a number in [0, ${max === Infinity ? '∞)' : `${max}]`}, got "${v}"`);
  return n;
};

const positiveNum = (name: string) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got "${v}"`);
  return n;
};

/** `low,high` with 0 ≤ low < high. */
function band(v: string): [number, number] {
  const m = /^\s*([0-9.]+)\s*[,:-]\s*([0-9.]+)\s*$/.exec(v);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2]) : NaN;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo < hi)) throw new InvalidArgumentError(`--histogram-band must be low,high with 0 ≤ low < high (e.g. 15,20), got "${v}"`);
  return [lo, hi];
}

/** The `day2night` command with its options. */
export function day2nightCommand(): Command {
  const cmd = new Command('day2night').description(
    'UNIT day↔night (without / with VGG), FPN segmenters on day + translated night (CE, CE+focal), self-training on real night selected by histogram or FID; table on the night test set',
  );
  addCommonOptions(cmd, { size: '64x128', steps: 40, batch: 2, out: 'runs/day2night', checkpointEvery: 20, trainCount: 40, testCount: 20 });
  return cmd
    .option('--night-dir <dir>', 'with --data: folder of unlabelled night images, searched recursively (default <data>/night)')
    .option('--night-test <dir>', 'with --data: labelled night test set with image/ and labels/ (trainId PNGs) (default <data>/night_test)')
    .option('--unit-steps <n>', 'steps of each UNIT phase (default: --steps)', positiveInt('--unit-steps'))
    .option('--seg-steps <n>', 'steps of each segmenter phase (default: --steps)', positiveInt('--seg-steps'))
    .option('--self-steps <n>', 'steps of each self-training phase (default: ⌈steps/2⌉)', positiveInt('--self-steps'))
    .option('--pool-count <n>', 'unlabelled real night images (default: --train-count; with --data: all)', positiveInt('--pool-count'))
    .option('--vgg-weights <file>', "VGG-19 weights for the UNIT perceptual term (torchvision safetensors or tfjs model.json); without it a randomly initialised VGG-19 (weights: 'random') is used and the report says so")
    .addOption(new Option('--vgg-layer <name>', 'VGG-19 tap of the UNIT perceptual term').choices([...VGG19_LAYERS]).default('relu2_2'))
    .option('--unit-dim <n>', 'UNIT / discriminator base width (64 in UNIT)', positiveInt('--unit-dim'), 8)
    .option('--seg-width <n>', 'ResNet-18 stem width of the segmenter (64 = torchvision)', positiveInt('--seg-width'), 16)
    .option('--fpn-channels <n>', 'FPN and semantic-head channels (256/128 in Panoptic FPN); a multiple of 8', positiveInt('--fpn-channels'), 32)
    .option('--alpha <x>', 'α of α·CE + (1−α)·focal', num('--alpha', 1), 0.5)
    .option('--gamma <x>', 'focal γ', num('--gamma'), 2)
    .option('--focal-only', 'also train a segmenter with the focal loss alone (the thesis finds it below CE)', false)
    .option('--histogram-band <low,high>', 'keep pool images with low < S < high (S = 0.5·R + G + B on 0..255)', band, [15, 20] as [number, number])
    .option('--lr <x>', 'UNIT learning rate (Adam, β1 0.5)', positiveNum('--lr'), 2e-4)
    .option('--seg-lr <x>', 'segmenter learning rate (Adam)', positiveNum('--seg-lr'), 1e-3)
    .option('--self-lr <x>', 'self-training learning rate (Adam)', positiveNum('--self-lr'), 5e-4)
    .action(async () => {
      const o = cmd.opts();
      const common = commonOptions(cmd);
      // with --data the counts cap what is read; left at their defaults they read everything
      const all = (key: string, v: number | undefined) => (o.data && cmd.getOptionValueSource(key) !== 'cli' ? Infinity : v);
      const result = await runDay2night({
        ...common,
        trainCount: all('trainCount', common.trainCount)!,
        testCount: all('testCount', common.testCount)!,
        nightDir: o.nightDir,
        nightTest: o.nightTest,
        unitSteps: o.unitSteps,
        segSteps: o.segSteps,
        selfSteps: o.selfSteps,
        poolCount: all('poolCount', o.poolCount),
        vggWeights: o.vggWeights,
        vggLayer: o.vggLayer,
        unitDim: o.unitDim,
        segWidth: o.segWidth,
        fpnChannels: o.fpnChannels,
        alpha: o.alpha,
        gamma: o.gamma,
        focalOnly: o.focalOnly,
        histogramBand: o.histogramBand,
        lr: o.lr,
        segLr: o.segLr,
        selfLr: o.selfLr,
      });
      const times = Object.entries(result.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
      console.log(`\n${result.table}\n\n${result.translatorTable}\n\nteacher: ${result.selection.teacher}; selected ${result.selection.histogram.length} (histogram) / ${result.selection.fid.length} (FID)\ntimings: ${times}\nreport: ${result.report.html} (${result.seconds} s)`);
      result.dispose();
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await day2nightCommand().parseAsync(process.argv);
  } catch (e) {
    // option values the parser cannot check (size, data layout, …): the message, not a stack trace
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
