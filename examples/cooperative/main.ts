/**
 * `npx tsx examples/cooperative/main.ts [options]` — cooperative segmentation
 * refinement + restoration (see run_cooperative.ts). Defaults are a small
 * CPU-sized run on the synthetic scenes; on Cityscapes with tfjs-node-gpu use e.g.
 * `--data ~/cityscapes --size 256x512 --steps 20000 --batch 4 --backend node-gpu`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { addCommonOptions, commonOptions, positiveInt } from '../common/cli.js';
import { COOP_DEGRADATIONS, checkCooperativeOptions, runCooperative, type CoopDegradation, type CooperativeOptions } from './run_cooperative.js';

const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${v}"`);
  return n;
};

const positiveNum = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got "${v}"`);
  return n;
};

const degradationList = (v: string): CoopDegradation[] => {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !COOP_DEGRADATIONS.includes(s as CoopDegradation));
  if (list.length === 0 || bad.length > 0) throw new InvalidArgumentError(`--degradations must be a comma-separated list of ${COOP_DEGRADATIONS.join(', ')}, got "${v}"`);
  return [...new Set(list)] as CoopDegradation[];
};

/** The `cooperative` command. */
export function cooperativeCommand(): Command {
  const cmd = new Command('cooperative').description('Cooperative segmentation + restoration: base segmenter, then per degradation G1 (refine S_d), G2 (restore I_d), joint; the paper’s Table 1');
  addCommonOptions(cmd, { size: '64x128', steps: 60, batch: 4, out: 'runs/cooperative', checkpointEvery: 50, trainCount: 200, testCount: 40 });
  return cmd
    .addOption(
      new Option('--degradations <list>', `comma-separated, from ${COOP_DEGRADATIONS.join(', ')}`).argParser(degradationList).default([...COOP_DEGRADATIONS], COOP_DEGRADATIONS.join(',')),
    )
    .addOption(new Option('--level <n>', 'the paper’s degradation level (fog: 1–3, clamped)').choices(['1', '2', '3', '4']).default('2'))
    .option('--seg-steps <n>', 'base segmenter steps (default: --steps)', positiveInt('--seg-steps'))
    .option('--g1-steps <n>', 'stage 1 (G1) steps (default: --steps)', positiveInt('--g1-steps'))
    .option('--g2-steps <n>', 'stage 2 (G2) steps (default: --steps)', positiveInt('--g2-steps'))
    .option('--joint-steps <n>', 'stage 3 (joint) steps (default: ⌈steps/4⌉)', positiveInt('--joint-steps'))
    .option('--lambda <x>', 'λ, G1 refinement CE weight (eq. 1)', num('--lambda'), 10)
    .option('--lambda-l1 <x>', 'λ1, G2 L1 weight', num('--lambda-l1'), 1)
    .option('--lambda-gan <x>', 'λ2, G2 LSGAN weight', num('--lambda-gan'), 0.1)
    .option('--lambda-perceptual <x>', 'λ3, pre-activation VGG-19 conv5_4 L1 (needs --vgg-weights)', num('--lambda-perceptual'), 0.1)
    .option('--lambda-style <x>', 'λ4, Gram style loss (needs --vgg-weights)', num('--lambda-style'), 250)
    .option('--lambda-tv <x>', 'λ_tv, total variation weight', num('--lambda-tv'), 1)
    .option('--vgg-weights <file>', 'VGG-19 weights (torchvision safetensors or tfjs model.json); without them λ3 = λ4 = 0')
    .addOption(new Option('--stage2-input <what>', 'segmentation G2 sees in stage 2').choices(['refined', 'gt']).default('refined'))
    .option('--g2-residual', 'G2 predicts a residual added to I_d (not the paper\'s; see docs/reproduction)', false)
    .option('--ngf <n>', 'generator / discriminator base width', positiveInt('--ngf'), 16)
    .option('--seg-filters <n>', 'base segmenter (U-Net) width', positiveInt('--seg-filters'), 16)
    .option('--lr <x>', 'generator and discriminator learning rate (Adam, β1 0.5)', positiveNum('--lr'), 2e-4)
    .option('--seg-lr <x>', 'base segmenter learning rate (Adam)', positiveNum('--seg-lr'), 1e-3)
    .action(async () => {
      const o = cmd.opts();
      let options: CooperativeOptions;
      try {
        options = {
          ...commonOptions(cmd),
          degradations: o.degradations,
          level: Number(o.level),
          segSteps: o.segSteps,
          g1Steps: o.g1Steps,
          g2Steps: o.g2Steps,
          jointSteps: o.jointSteps,
          lambda: o.lambda,
          lambdaL1: o.lambdaL1,
          lambdaGan: o.lambdaGan,
          lambdaPerceptual: o.lambdaPerceptual,
          lambdaStyle: o.lambdaStyle,
          lambdaTv: o.lambdaTv,
          vggWeights: o.vggWeights,
          stage2Input: o.stage2Input,
          g2Residual: o.g2Residual,
          ngf: o.ngf,
          segFilters: o.segFilters,
          lr: o.lr,
          segLr: o.segLr,
        };
        checkCooperativeOptions(options);
      } catch (e) {
        // a value no option parser could check alone (--size, a size the U-Nets cannot take, --data): a usage error, not a stack trace
        return cmd.error(`error: ${(e as Error).message}`, { code: 'cooperative.invalidOption' });
      }
      const result = await runCooperative(options);
      console.log(`\n${result.table}\nreport: ${result.report.html} (${result.seconds} s)`);
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await cooperativeCommand().parseAsync(process.argv);
}
