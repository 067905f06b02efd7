/**
 * `segaware data`: write synthetic Cityscapes-like trees (`synth`), degrade a
 * folder of images (`degrade`) and render the documentation gallery (`gallery`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { Command, InvalidArgumentError as CommanderArgError } from 'commander';
import { colorize, labelIdToTrainId, trainIdToLabelId } from '../data/cityscapes_labels.js';
import { DEGRADATION_LEVELS, degrade } from '../data/degrade/presets.js';
// sharp as the codec of `degrade(…, 'jpeg', …)` (the platform-neutral jpegCompress has none in Node)
import '../data/degrade/jpeg_sharp.js';
import type { DegradationKind } from '../data/degrade/presets.js';
import { addFog } from '../data/degrade/fog.js';
import { toNight } from '../data/degrade/night.js';
import { imageGrid } from '../data/image_grid.js';
import type { GridCell } from '../data/image_grid.js';
import { readImageRaster, readRaster, writeImage } from '../data/image_io.js';
import { writeLabelMap } from '../data/label_io.js';
import type { ImageRaster, Raster } from '../data/raster.js';
import { renderSyntheticScene } from '../data/synthetic_street_scenes.js';
import type { SyntheticSceneWithLights } from '../data/synthetic_street_scenes.js';
import { NotFoundError } from '../errors.js';
import { assertOutsideInputs, intFlag, maxPixelsFlag, outputPath, realPathOf } from './common.js';
import { commandProgress } from './progress.js';
import type { ProgressFlags } from './progress.js';

/** Metres → 16-bit centimetres (saturating at 655.35 m). */
function depthToCm(d: Float32Array): Uint16Array {
  const out = new Uint16Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Math.min(65535, Math.round(d[i]! * 100));
  return out;
}

/**
 * Writes one synthetic scene into a Cityscapes-like tree under `root`: `leftImg8bit` (photo),
 * `gtFine` (`_labelIds`, 16-bit `_instanceIds`, `_color`), `depth` (16-bit cm), `lights`, and with
 * `foggy` `leftImg8bit_foggy` at three β. Every path is checked to stay inside `root`.
 *
 * @throws commander's InvalidArgumentError when `split` (or a symlink in `root`) would lead outside `root`
 */
export async function writeSyntheticSample(root: string, split: string, s: SyntheticSceneWithLights, foggy: boolean): Promise<void> {
  const city = 'synth';
  const p = (kind: string, suffix: string): string => outputPath(root, kind, split, city, `${s.name}${suffix}`);
  const { height, width } = s.image;
  const jobs: Promise<void>[] = [
    writeImage(p('leftImg8bit', '_leftImg8bit.png'), s.image),
    writeLabelMap(p('gtFine', '_gtFine_labelIds.png'), { data: trainIdToLabelId(s.labels.data), height, width }),
    writeLabelMap(p('gtFine', '_gtFine_instanceIds.png'), { data: s.instances.data, height, width }, { bitDepth: 16 }),
    writeImage(p('gtFine', '_gtFine_color.png'), { data: colorize(s.labels.data), height, width, channels: 3 }),
    writeLabelMap(p('depth', '_depth.png'), { data: depthToCm(s.depth.data), height, width }, { bitDepth: 16 }),
    // the light map is stored as emission / 4 and saturates above 4 on purpose
    writeImage(p('lights', '_lights.png'), { ...s.emission, data: s.emission.data.map((v) => v / 4) }, { clip: true }),
  ];
  if (foggy) {
    for (const beta of DEGRADATION_LEVELS.fog) jobs.push(writeImage(p('leftImg8bit_foggy', `_leftImg8bit_foggy_beta_${beta}.png`), addFog(s.image, s.depth, { beta })));
  }
  await Promise.all(jobs);
}

function listImagesRecursive(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...listImagesRecursive(p));
    else if (['.png', '.jpg', '.jpeg', '.webp'].includes(extname(f).toLowerCase())) out.push(p);
  }
  return out;
}

/** Finds the companions (depth in metres, light map, trainIds) of an input image, for fog and night. */
async function companions(file: string, inRoot: string, depthDir: string | undefined, maxPixels: number | undefined): Promise<{ depth?: Raster; emission?: ImageRaster; labels?: Raster }> {
  const out: { depth?: Raster; emission?: ImageRaster; labels?: Raster } = {};
  const rel = relative(join(inRoot, 'leftImg8bit'), file);
  const cityscapes = !rel.startsWith('..') && file.endsWith('_leftImg8bit.png');
  const stem = cityscapes ? basename(file, '_leftImg8bit.png') : basename(file, extname(file));
  const candidates = cityscapes
    ? { depth: [join(inRoot, 'depth', dirname(rel), `${stem}_depth.png`)], lights: [join(inRoot, 'lights', dirname(rel), `${stem}_lights.png`)], labels: [join(inRoot, 'gtFine', dirname(rel), `${stem}_gtFine_labelIds.png`)] }
    : { depth: depthDir ? [join(depthDir, `${stem}_depth.png`), join(depthDir, `${stem}.png`)] : [], lights: [], labels: [] };
  const dp = candidates.depth.find(existsSync);
  if (dp) {
    const r = await readRaster(dp, { maxPixels });
    const d = new Float32Array(r.height * r.width);
    for (let i = 0; i < d.length; i++) d[i] = r.data[i * r.channels]! / 100;
    out.depth = { data: d, height: r.height, width: r.width, channels: 1 };
  }
  const lp = candidates.lights.find(existsSync);
  if (lp) {
    const e = await readImageRaster(lp, { maxPixels });
    out.emission = { ...e, data: e.data.map((v) => v * 4) };
  }
  const lb = candidates.labels.find(existsSync);
  if (lb) {
    const r = await readRaster(lb, { maxPixels });
    // not Uint8Array: a 16-bit map (instance ids 26001 …) must reach labelIdToTrainId intact so it is rejected, not truncated
    const ids = new Int32Array(r.height * r.width);
    for (let i = 0; i < ids.length; i++) ids[i] = r.data[i * r.channels]!;
    out.labels = { data: labelIdToTrainId(ids), height: r.height, width: r.width, channels: 1 };
  }
  return out;
}

/**
 * Renders the documentation gallery (scenes with labels, fog at three β, night, the four
 * degradations) into `outDir`: `synthetic_scenes.png`, `fog.png`, `night.png`, `degradations.png`.
 *
 * @throws commander's InvalidArgumentError when a file would land outside `outDir` (a symlink in it)
 */
export async function writeGallery(outDir: string, seed = 0): Promise<string[]> {
  const H = 256;
  const W = 512;
  const scenes = [0, 1, 2, 3, 4, 5].map((i) => renderSyntheticScene(seed, i, H, W));
  const written: string[] = [];
  const depthVis = (d: Float32Array): ImageRaster => ({ data: d.map((v) => 1 - Math.min(1, Math.log1p(v) / Math.log1p(600))), height: H, width: W, channels: 1 });
  const rowsScenes: GridCell[][] = scenes.slice(0, 4).map((s) => [
    { image: s.image, caption: s.name },
    { image: s.labels, caption: 'trainId labels' },
    { image: depthVis(s.depth.data), caption: 'depth (log, near = bright)' },
  ]);
  const add = async (name: string, rows: GridCell[][], cell: [number, number]): Promise<void> => {
    const p = outputPath(outDir, name);
    await imageGrid(p, rows, { cellSize: cell, palette: true });
    written.push(p);
  };
  await add('synthetic_scenes.png', rowsScenes, [192, 384]);
  const fogRows: GridCell[][] = [scenes[1]!, scenes[4]!].map((s) => [
    { image: s.image, caption: 'clear' },
    ...DEGRADATION_LEVELS.fog.map((beta) => ({ image: addFog(s.image, s.depth, { beta }), caption: `fog β = ${beta}` })),
  ]);
  await add('fog.png', fogRows, [160, 320]);
  const nightRows: GridCell[][] = [scenes[0]!, scenes[2]!, scenes[5]!].map((s, k) => [
    { image: s.image, caption: 'day' },
    { image: toNight(s.image, { emission: s.emission, labels: s.labels, seed: k }), caption: 'toNight (default)' },
    { image: toNight(s.image, { emission: s.emission, labels: s.labels, seed: k, exposure: 0.025, temperature: 8000 }), caption: 'toNight (exposure 0.025)' },
  ]);
  await add('night.png', nightRows, [160, 320]);
  const base = scenes[2]!;
  const kinds: [DegradationKind, string][] = [['blur', 'blur σ'], ['noise', 'noise var'], ['jpeg', 'JPEG q'], ['ca', 'CA R/B']];
  const degRows: GridCell[][] = [];
  for (const [kind, label] of kinds) {
    const row: GridCell[] = [];
    for (let level = 1; level <= 4; level++) {
      const p = DEGRADATION_LEVELS[kind][level - 1]!;
      const desc = typeof p === 'number' ? String(p) : `${(p as { red: number }).red}/${(p as { blue: number }).blue}`;
      row.push({ image: await degrade(base.image, kind, level, { seed: level }), caption: `${label} ${desc}` });
    }
    degRows.push(row);
  }
  await add('degradations.png', degRows, [128, 256]);
  return written;
}

/** The global flags an action reads (`--quiet`). */
const globals = (cmd: Command): { quiet?: boolean } => cmd.optsWithGlobals() as { quiet?: boolean };

interface SynthFlags extends ProgressFlags { out: string; count: number; height: number; width: number; seed: number; split: string; foggy: boolean }
interface DegradeFlags extends ProgressFlags { in: string; out: string; kind: string; level: number; seed: number; depth?: string; maxPixels?: number }

/** The `data` command with its `synth`, `degrade` and `gallery` subcommands. */
export function dataCommand(): Command {
  const data = new Command('data').description('synthetic data, degradations and the gallery');
  data
    .command('synth')
    .description('write procedurally generated street scenes as a Cityscapes-like folder tree')
    .requiredOption('--out <dir>', 'output root')
    .option('--count <n>', 'number of scenes', intFlag('--count', 1), 100)
    .option('--height <px>', 'image height', intFlag('--height', 16, 16384), 256)
    .option('--width <px>', 'image width', intFlag('--width', 16, 16384), 512)
    .option('--seed <n>', 'seed', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .option('--split <name>', 'split folder', 'train')
    .option('--foggy', 'also write leftImg8bit_foggy at β = 0.005, 0.01, 0.02', false)
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'no progress display')
    .action(async (flags: SynthFlags, c: Command) => {
      const o = { ...flags, ...globals(c) };
      // before the first scene: a --split with `..` must not leave half a tree behind
      for (const kind of ['leftImg8bit', 'gtFine', 'depth', 'lights']) outputPath(o.out, kind, o.split, 'synth');
      const t0 = performance.now();
      const progress = commandProgress('synth', o.count, o);
      try {
        for (let i = 0; i < o.count; i++) {
          await writeSyntheticSample(o.out, o.split, renderSyntheticScene(o.seed, i, o.height, o.width), o.foggy);
          progress.update(i + 1);
        }
      } finally {
        progress.stop();
      }
      console.log(`wrote ${o.count} scenes to ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
  data
    .command('degrade')
    .description('degrade every image of a folder (or of a Cityscapes-like tree) with a preset level')
    .requiredOption('--in <dir>', 'input folder or Cityscapes-like root (leftImg8bit/…)')
    .requiredOption('--out <dir>', 'output folder (same relative paths)')
    .requiredOption('--kind <kind>', 'fog | blur | noise | jpeg | ca | night')
    .option('--level <n>', 'preset level (1-4; fog and night 1-3)', intFlag('--level', 1, 4), 1)
    .option('--seed <n>', 'seed of the random parts', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .option('--depth <dir>', 'depth maps (16-bit centimetres, <name>_depth.png) for fog on a plain folder')
    .option('--max-pixels <n>', 'largest image decoded, in pixels (default 67108864 = 8192²)', maxPixelsFlag)
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'no progress display')
    .action(async (flags: DegradeFlags, c: Command) => {
      const o = { ...flags, ...globals(c) };
      const kinds = Object.keys(DEGRADATION_LEVELS);
      if (!kinds.includes(o.kind)) throw new CommanderArgError(`--kind must be one of ${kinds.join(', ')}; received ${o.kind}`);
      if (o.kind !== 'fog' && o.kind !== 'night' && o.level > 4) throw new CommanderArgError(`--level must be 1-4 for ${o.kind}; received ${o.level}`);
      if ((o.kind === 'fog' || o.kind === 'night') && o.level > 3) throw new CommanderArgError(`--level must be 1-3 for ${o.kind}; received ${o.level}`);
      if (!existsSync(o.in)) throw new NotFoundError(`segaware: input folder not found: ${o.in}`);
      assertOutsideInputs('--out', o.out, [['--in', o.in], ['--depth', o.depth]]);
      const cityscapes = existsSync(join(o.in, 'leftImg8bit'));
      const files = listImagesRecursive(cityscapes ? join(o.in, 'leftImg8bit') : o.in);
      if (!files.length) throw new NotFoundError(`segaware: no images under ${o.in}`);
      const dest = (f: string) => outputPath(o.out, relative(o.in, f).replace(/\.(jpe?g|webp)$/i, '.png'));
      // --in inside --out passes the folder check but can still map one input onto another: refuse before writing anything
      const inputs = new Set(files.map(realPathOf));
      const clash = files.find((f) => inputs.has(realPathOf(dest(f))));
      if (clash) throw new CommanderArgError(`--out ${o.out} would overwrite the input ${clash}; choose an --out outside --in`);
      const progress = commandProgress(`degrade ${o.kind}`, files.length, o);
      let k = 0;
      try {
        for (const f of files) {
          const img = await readImageRaster(f, { maxPixels: o.maxPixels });
          const extra = o.kind === 'fog' || o.kind === 'night' ? await companions(f, o.in, o.depth, o.maxPixels) : {};
          if (o.kind === 'fog' && !extra.depth) throw new NotFoundError(`segaware: no depth map for ${f} (fog needs depth: a segaware synth tree, or --depth DIR with <name>_depth.png)`);
          const out = await degrade(img, o.kind as DegradationKind, o.level, { ...extra, seed: o.seed + k++ });
          await writeImage(dest(f), out);
          progress.update(k);
        }
      } finally {
        progress.stop();
      }
      console.log(`wrote ${files.length} ${o.kind} level-${o.level} images to ${o.out}`);
    });
  data
    .command('gallery')
    .description('render the documentation gallery (synthetic scenes, fog, night, degradations) into --out')
    .requiredOption('--out <dir>', 'output folder (the repository keeps its copy in docs/images)')
    .option('--seed <n>', 'seed', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .action(async (o: { out: string; seed: number }) => {
      const files = await writeGallery(o.out, o.seed);
      console.log(`wrote ${files.join(', ')}`);
    });
  return data;
}
