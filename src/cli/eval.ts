/**
 * `segaware eval`: metrics over folders of predictions and ground truth.
 *
 *   segaware eval seg --pred DIR --gt DIR [--cityscapes] [--classes K] [--ignore-index I]
 *   segaware eval img --pred DIR --gt DIR [--data-range R]
 *
 * Files are matched by name (stem; for Cityscapes `X_gtFine_labelIds.png` ↔ `X*.png` with
 * `_leftImg8bit`/`_pred` suffixes dropped), work is spread over worker threads on large
 * folders, a progress bar runs on stderr, a table is printed and a JSON report written.
 */
import { readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError as CommanderArgError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { CityscapesEvaluator } from '../metrics/cityscapes_evaluator.js';
import type { CityscapesResult } from '../metrics/cityscapes_evaluator.js';
import { ConfusionMatrix } from '../metrics/confusion_matrix.js';
import type { ConfusionMetrics } from '../metrics/confusion_matrix.js';
import { InvalidArgumentError, NotFoundError, SegawareError } from '../errors.js';
import { friendly, intFlag, isSameOrInside, maxPixelsFlag, numberFlag, realPathOf } from './common.js';
import { runEvalTask } from './eval_core.js';
import type { EvalPair, EvalPartial, EvalTask } from './eval_core.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp']);
const PRED_SUFFIXES = /(_leftImg8bit|_gtFine_labelIds|_labelIds|_prediction|_pred)$/;

/** Image files under `dir`, recursively, sorted. */
export function listImages(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`segaware: directory not found: ${dir}`);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (IMAGE_EXT.has(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const stem = (f: string) => basename(f, extname(f));

/** Pairs predictions with ground truth by name; throws when a ground truth has no prediction. */
export function matchPairs(predDir: string, gtDir: string, cityscapes: boolean): EvalPair[] {
  const preds = new Map<string, string>();
  for (const p of listImages(predDir)) {
    const key = stem(p).replace(PRED_SUFFIXES, '');
    if (preds.has(key)) throw new InvalidArgumentError('--pred', 'one prediction per name', `${preds.get(key)} and ${p}`);
    preds.set(key, p);
  }
  let gts = listImages(gtDir);
  if (cityscapes) gts = gts.filter((g) => g.endsWith('_gtFine_labelIds.png'));
  if (gts.length === 0) throw new NotFoundError(`segaware: no ground-truth images${cityscapes ? ' (*_gtFine_labelIds.png)' : ''} under ${gtDir}`);
  const pairs: EvalPair[] = [];
  const missing: string[] = [];
  for (const g of gts) {
    const key = cityscapes ? basename(g).replace(/_gtFine_labelIds\.png$/, '') : stem(g).replace(PRED_SUFFIXES, '');
    const p = preds.get(key);
    if (!p) {
      missing.push(relative(gtDir, g));
      continue;
    }
    const pair: EvalPair = { name: key, pred: p, gt: g };
    if (cityscapes) {
      const inst = g.replace(/labelIds\.png$/, 'instanceIds.png');
      if (!existsSync(inst)) throw new NotFoundError(`segaware: missing instance map ${inst} (needed for iIoU)`);
      pair.instances = inst;
    }
    pairs.push(pair);
  }
  if (missing.length) {
    throw new NotFoundError(`segaware: no prediction in ${predDir} for ${missing.length} ground-truth image(s), e.g. ${missing.slice(0, 5).join(', ')}`);
  }
  return pairs;
}

/** Starts a worker: the built `eval-worker.js`, or under tsx the TypeScript source through tsx's loader. */
function startWorker(task: EvalTask): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./eval-worker.js', import.meta.url), { workerData: task });
  const src = new URL('./eval_worker.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(src)}); })`;
  return new Worker(code, { eval: true, workerData: task });
}

/** Runs the task split over `workers` threads (in-process when 1); merges nothing, returns the partials. */
export async function runParallel(make: (pairs: EvalPair[]) => EvalTask, pairs: EvalPair[], workers: number, progress: boolean): Promise<EvalPartial[]> {
  const bar = progress ? new cliProgress.SingleBar({ format: 'eval [{bar}] {value}/{total} {duration}s', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  bar?.start(pairs.length, 0);
  const tick = () => bar?.increment();
  try {
    const n = Math.max(1, Math.min(workers, pairs.length));
    if (n === 1) return [await runEvalTask(make(pairs), tick)];
    const chunks = Array.from({ length: n }, (_, w) => pairs.filter((_, i) => i % n === w));
    return await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<EvalPartial>((resolvePartial, reject) => {
            const worker = startWorker(make(chunk));
            worker.on('message', (m: { type: string; result?: EvalPartial; message?: string; segaware?: boolean }) => {
              if (m.type === 'tick') tick();
              else if (m.type === 'done') {
                resolvePartial(m.result!);
                void worker.terminate();
              } else if (m.type === 'error') {
                // keep a segaware error one clean CLI line (the class does not survive postMessage)
                reject(m.segaware ? new SegawareError(m.message!) : new Error(m.message));
                void worker.terminate();
              }
            });
            worker.on('error', reject);
          }),
      ),
    );
  } finally {
    bar?.stop();
  }
}

const f4 = (v: number) => (Number.isNaN(v) ? 'nan' : v.toFixed(4));

function printRows(rows: [string, string][]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

const defaultWorkers = (n: number) => (n >= 16 ? availableParallelism() : 1);

interface SegOptions { pred: string; gt: string; cityscapes?: boolean; classes?: number; ignoreIndex: number; out?: string; workers?: number; progress: boolean; maxPixels?: number }
interface ImgOptions { pred: string; gt: string; dataRange?: number; out?: string; workers?: number; progress: boolean; maxPixels?: number }

/** Refuses a report path that is one of the input files (it would overwrite a prediction or a ground truth). */
function assertReportOutsideInputs(out: string | undefined, o: { pred: string; gt: string }): void {
  if (out === undefined) return;
  const target = realPathOf(out);
  for (const [flag, dir] of [['--pred', o.pred], ['--gt', o.gt]] as const) {
    if (existsSync(target) && isSameOrInside(target, realPathOf(dir))) {
      throw new CommanderArgError(`--out ${out} is an existing file inside ${flag} ${dir}: writing the report would overwrite an input; choose another --out`);
    }
  }
}

/** `eval seg`. */
export async function evalSeg(o: SegOptions): Promise<{ metrics: ConfusionMetrics | CityscapesResult; count: number }> {
  if (!o.cityscapes && o.classes === undefined) throw new InvalidArgumentError('--classes', 'the number of classes K (or --cityscapes)', undefined);
  assertReportOutsideInputs(o.out, o);
  const pairs = matchPairs(o.pred, o.gt, !!o.cityscapes);
  const make = (chunk: EvalPair[]): EvalTask => ({ kind: 'seg', pairs: chunk, cityscapes: !!o.cityscapes, classes: o.classes ?? 19, ignoreIndex: o.ignoreIndex, maxPixels: o.maxPixels });
  const parts = await runParallel(make, pairs, o.workers ?? defaultWorkers(pairs.length), o.progress);
  let metrics: ConfusionMetrics | CityscapesResult;
  if (o.cityscapes) {
    const ev = new CityscapesEvaluator();
    for (const p of parts) if (p.kind === 'seg' && p.cityscapes) ev.merge(p.cityscapes);
    const r = ev.compute();
    metrics = r;
    printRows([
      ['images', String(pairs.length)],
      ['IoU-class', f4(r.iouClass)],
      ['iIoU-class', f4(r.iiouClass)],
      ['IoU-category', f4(r.iouCategory)],
      ['iIoU-category', f4(r.iiouCategory)],
    ]);
    console.log('');
    printRows(Object.entries(r.classIou).map(([k, v]) => [k, `IoU ${f4(v)}${k in r.classInstIou ? `  iIoU ${f4(r.classInstIou[k]!)}` : ''}`]));
  } else {
    const cm = new ConfusionMatrix(o.classes!, { ignoreIndex: o.ignoreIndex });
    for (const p of parts) if (p.kind === 'seg' && p.confusion) cm.merge(p.confusion);
    const r = cm.compute();
    metrics = r;
    printRows([
      ['images', String(pairs.length)],
      ['pixel accuracy (PA)', f4(r.pixelAccuracy)],
      ['mean accuracy (mPA)', f4(r.meanAccuracy)],
      ['mean IoU (mIoU)', f4(r.meanIoU)],
      ['frequency-weighted IoU', f4(r.fwIoU)],
    ]);
    console.log('');
    printRows(r.iou.map((v, c) => [`class ${c}`, `IoU ${f4(v)}  acc ${f4(r.accuracy[c]!)}  dice ${f4(r.dice[c]!)}`]));
  }
  const out = resolve(o.out ?? 'segaware-eval-seg.json');
  writeFileSync(out, JSON.stringify({ mode: o.cityscapes ? 'cityscapes' : 'seg', pred: o.pred, gt: o.gt, images: pairs.length, ...metrics }, (_, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2));
  console.log(`\nwrote ${out}`);
  return { metrics, count: pairs.length };
}

/** `eval img`. */
export async function evalImg(o: ImgOptions): Promise<{ psnr: number; ssim: number; count: number }> {
  assertReportOutsideInputs(o.out, o);
  const pairs = matchPairs(o.pred, o.gt, false);
  const make = (chunk: EvalPair[]): EvalTask => ({ kind: 'img', pairs: chunk, dataRange: o.dataRange, maxPixels: o.maxPixels });
  const parts = await runParallel(make, pairs, o.workers ?? defaultWorkers(pairs.length), o.progress);
  const images = parts.flatMap((p) => (p.kind === 'img' ? p.images : [])).sort((a, b) => (a.name < b.name ? -1 : 1));
  const mean = (k: 'psnr' | 'ssim') => images.reduce((s, i) => s + i[k], 0) / images.length;
  const psnr = mean('psnr');
  const ssim = mean('ssim');
  const dataRange = parts[0]?.kind === 'img' ? parts[0].dataRange : o.dataRange;
  printRows([
    ['images', String(images.length)],
    ['data range', String(dataRange)],
    ['PSNR (mean, dB)', psnr.toFixed(4)],
    ['SSIM (mean)', ssim.toFixed(4)],
  ]);
  const out = resolve(o.out ?? 'segaware-eval-img.json');
  writeFileSync(out, JSON.stringify({ mode: 'img', pred: o.pred, gt: o.gt, dataRange, images: images.length, psnr, ssim, perImage: images }, null, 2));
  console.log(`\nwrote ${out}`);
  return { psnr, ssim, count: images.length };
}

/** The `eval` command with its `seg` and `img` subcommands. */
export function evalCommand(): Command {
  const cmd = new Command('eval').description('Evaluate predictions against ground truth (segmentation or restoration metrics)');
  const common = (c: Command) =>
    c
      .requiredOption('--pred <dir>', 'folder of predictions')
      .requiredOption('--gt <dir>', 'folder of ground truth')
      .option('--out <file>', 'JSON report path')
      .addOption(new Option('--workers <n>', 'worker threads (default: all cores from 16 images)').argParser(intFlag('--workers', 1, 1024)))
      .addOption(new Option('--max-pixels <n>', 'largest image decoded, in pixels (default 67108864 = 8192²)').argParser(maxPixelsFlag))
      .option('--no-progress', 'no progress bar');
  common(
    cmd
      .command('seg')
      .description('PA / mPA / mIoU / FWIoU from label maps, or the Cityscapes benchmark (IoU/iIoU class/category) with --cityscapes')
      .option('--cityscapes', 'Cityscapes labelIds evaluation (gt *_gtFine_labelIds.png + *_gtFine_instanceIds.png)')
      .addOption(new Option('--classes <k>', 'number of classes K').argParser(intFlag('--classes', 1, 65536)))
      .addOption(new Option('--ignore-index <i>', 'target label to ignore').default(255).argParser(intFlag('--ignore-index', 0, 65535))),
  ).action(
    friendly(async (o: SegOptions) => {
      await evalSeg(o);
    }),
  );
  common(
    cmd
      .command('img')
      .description('PSNR and SSIM (Wang configuration) between restored and reference images')
      .addOption(
        new Option('--data-range <r>', 'pixel value range (default 255 for 8-bit, 65535 for 16-bit images)').argParser(numberFlag('--data-range', 0)),
      ),
  ).action(
    friendly(async (o: ImgOptions) => {
      await evalImg(o);
    }),
  );
  return cmd;
}
