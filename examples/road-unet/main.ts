/**
 * `npx tsx examples/road-unet/main.ts [options]` — road segmentation with the
 * classic U-Net and Dice loss (see run_road_unet.ts).
 */
import { Command } from 'commander';
import { addCommonOptions, commonOptions, positiveInt } from '../common/cli.js';
import { runRoadUnet } from './run_road_unet.js';

export function roadUnetCommand(): Command {
  const cmd = new Command('road-unet').description('U-Net + Dice loss road segmentation on synthetic scenes (or --data DIR/{train,test}/{image,labels})');
  addCommonOptions(cmd, { size: '64x128', steps: 300, batch: 4, out: 'runs/road-unet', checkpointEvery: 50, trainCount: 200, testCount: 40 });
  return cmd
    .option('--base-filters <n>', 'U-Net filters at full resolution (paper: 64)', positiveInt('--base-filters'), 16)
    .option('--depth <n>', 'number of 2×2 poolings (paper: 4)', positiveInt('--depth'), 3)
    .option('--lr <x>', 'Adam learning rate (paper: 5e-4)', Number, 5e-4)
    .action(async () => {
      const o = cmd.opts();
      const r = await runRoadUnet({ ...commonOptions(cmd), baseFilters: o.baseFilters, depth: o.depth, lr: o.lr });
      console.log(`\n${r.table}\nreport: ${r.report.html} (${r.seconds} s)`);
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await roadUnetCommand().parseAsync(process.argv);
}
