/**
 * `segaware eval`: metrics over folders of predictions and ground truth.
 *
 *   segaware eval seg --pred DIR --gt DIR [--classes K] [--class-names a,b,…] [--label-ids auto|none|gt|pred|both]
 *                     [--drop-invalid] [--ignore-index I] [--cityscapes] [--per-image FILE.csv|.json] [--out FILE.json]
 *   segaware eval img --pred DIR --gt DIR [--data-range R] [--per-image FILE] [--out FILE.json]
 *
 * Label maps are picked by name (see `label_files.ts`: a `data synth` tree's `_color` and
 * `_instanceIds` files are never read as labels) and paired by name (`X_gtFine_labelIds.png`
 * ↔ `X_pred.png`, `X_leftImg8bit.png`, `X.png`). Work is spread over worker threads on large
 * folders, progress goes to stderr, the table to stdout; files are written only where `--out`
 * / `--per-image` say.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError as CommanderArgError, Option } from 'commander';
import { CityscapesEvaluator } from '../metrics/cityscapes_evaluator.js';
import type { CityscapesResult } from '../metrics/cityscapes_evaluator.js';
import { ConfusionMatrix } from '../metrics/confusion_matrix.js';
import type { ConfusionMetrics } from '../metrics/confusion_matrix.js';
import { InvalidArgumentError, NotFoundError, SegawareError } from '../errors.js';
import { spawnWorker } from '../ops/spawn_worker.js';
import type { Progress } from '../train/progress.js';
import { classNames, parseClassNames } from './class_names.js';
import { intFlag, isSameOrInside, maxPixelsFlag, numberFlag, realPathOf } from './common.js';
import { runEvalTask } from './eval_core.js';
import type { EvalPair, EvalPartial, EvalTask, SegImageScores } from './eval_core.js';
import { pairKey, selectLabelFiles } from './label_files.js';
import type { LabelNaming } from './label_files.js';
import { perImageFlag, writePerImage } from './per_image.js';
import { commandProgress } from './progress.js';
import type { ProgressFlags } from './progress.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp']);

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

/** What {@link matchPairs} compares. */
export type MatchKind = 'labels' | 'cityscapes' | 'images';

/** Pairs and what the file names said about the ids on each side. */
export interface MatchedPairs {
  pairs: EvalPair[];
  naming: { pred: LabelNaming; gt: LabelNaming };
}

/**
 * Pairs predictions with ground truth by name.
 *
 * - `'labels'`: label maps only on both sides ({@link selectLabelFiles}: trainIds files win
 *   over labelIds files; `_color`, `_instanceIds`, depth … are never picked);
 * - `'cityscapes'`: ground truth `*_gtFine_labelIds.png` with its `*_gtFine_instanceIds.png`,
 *   predictions as for `'labels'` but preferring labelIds files;
 * - `'images'`: every image on both sides.
 *
 * @throws NotFoundError when a folder is missing, holds no ground truth, or a ground truth has no prediction
 * @throws InvalidArgumentError naming `--pred` when two predictions share a name
 */
export function matchPairs(predDir: string, gtDir: string, kind: MatchKind): MatchedPairs {
  const labels = kind !== 'images';
  const prefer = kind === 'cityscapes' ? 'labelIds' : 'trainIds';
  const predSel = labels ? selectLabelFiles(listImages(predDir), prefer) : { files: listImages(predDir), naming: 'unnamed' as const };
  const preds = new Map<string, string>();
  for (const p of predSel.files) {
    const key = pairKey(p);
    if (preds.has(key)) throw new InvalidArgumentError('--pred', 'one prediction per name', `${preds.get(key)} and ${p}`);
    preds.set(key, p);
  }
  const all = listImages(gtDir);
  const gtSel = kind === 'cityscapes' ? { files: all.filter((g) => g.endsWith('_gtFine_labelIds.png')), naming: 'labelIds' as const } : labels ? selectLabelFiles(all, prefer) : { files: all, naming: 'unnamed' as const };
  if (gtSel.files.length === 0) throw new NotFoundError(`segaware: no ground-truth images${kind === 'cityscapes' ? ' (*_gtFine_labelIds.png)' : ''} under ${gtDir}`);
  const pairs: EvalPair[] = [];
  const missing: string[] = [];
  for (const g of gtSel.files) {
    const key = pairKey(g);
    const p = preds.get(key);
    if (!p) {
      missing.push(relative(gtDir, g));
      continue;
    }
    const pair: EvalPair = { name: key, pred: p, gt: g };
    if (kind === 'cityscapes') {
      const inst = g.replace(/labelIds\.png$/, 'instanceIds.png');
      if (!existsSync(inst)) throw new NotFoundError(`segaware: missing instance map ${inst} (needed for iIoU)`);
      pair.instances = inst;
    }
    pairs.push(pair);
  }
  if (missing.length) {
    throw new NotFoundError(`segaware: no prediction in ${predDir} for ${missing.length} ground-truth image(s), e.g. ${missing.slice(0, 5).join(', ')}`);
  }
  return { pairs, naming: { pred: predSel.naming, gt: gtSel.naming } };
}

/** A worker's `error` message turned back into an Error (its class does not survive postMessage; its stack does, for `--debug`). */
function workerError(m: { message?: string; stack?: string; segaware?: boolean }): Error {
  const err = m.segaware ? new SegawareError(m.message ?? 'worker failed') : new Error(m.message ?? 'worker failed');
  if (m.stack) err.stack = m.stack;
  return err;
}

/**
 * Runs the task split over `workers` threads (in-process when 1) and returns the partial results;
 * the first error stops every worker. `progress.update` is called with the number of pairs done.
 */
export async function runParallel(make: (pairs: EvalPair[]) => EvalTask, pairs: EvalPair[], workers: number, progress?: Progress): Promise<EvalPartial[]> {
  let done = 0;
  const tick = () => progress?.update(++done);
  const started: Worker[] = [];
  try {
    const n = Math.max(1, Math.min(workers, pairs.length));
    if (n === 1) return [await runEvalTask(make(pairs), tick)];
    const chunks = Array.from({ length: n }, (_, w) => pairs.filter((_, i) => i % n === w));
    return await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<EvalPartial>((resolvePartial, reject) => {
            const worker = spawnWorker(import.meta.url, { source: './eval_worker.ts', built: './eval-worker.js' }, { workerData: make(chunk) });
            started.push(worker);
            worker.on('message', (m: { type: string; result?: EvalPartial; message?: string; stack?: string; segaware?: boolean }) => {
              if (m.type === 'tick') tick();
              else if (m.type === 'done') resolvePartial(m.result!);
              else if (m.type === 'error') reject(workerError(m));
            });
            worker.on('error', reject);
          }),
      ),
    );
  } finally {
    // also on the first failure: the other workers would otherwise keep the process alive until they finish
    await Promise.all(started.map((w) => w.terminate()));
    progress?.stop();
  }
}

const f4 = (v: number) => (Number.isNaN(v) ? 'nan' : v.toFixed(4));

function printRows(rows: [string, string][]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

const defaultWorkers = (n: number) => (n >= 16 ? availableParallelism() : 1);

/** Which sides hold Cityscapes labelIds: `auto` decides from the file names (`*_labelIds.png`). */
export type LabelIdsFlag = 'auto' | 'none' | 'gt' | 'pred' | 'both';

/** Options of {@link evalSeg} (the flags of `segaware eval seg`). */
export interface SegOptions extends ProgressFlags {
  pred: string;
  gt: string;
  cityscapes?: boolean;
  classes?: number;
  classNames?: string[];
  ignoreIndex?: number;
  labelIds?: LabelIdsFlag;
  dropInvalid?: boolean;
  perImage?: string;
  out?: string;
  workers?: number;
  maxPixels?: number;
}

/** Options of {@link evalImg} (the flags of `segaware eval img`). */
export interface ImgOptions extends ProgressFlags {
  pred: string;
  gt: string;
  dataRange?: number;
  perImage?: string;
  out?: string;
  workers?: number;
  maxPixels?: number;
}

/** Refuses a report path that is one of the input files (it would overwrite a prediction or a ground truth). */
function assertReportOutsideInputs(flag: string, out: string | undefined, o: { pred: string; gt: string }): void {
  if (out === undefined) return;
  const target = realPathOf(out);
  for (const [inFlag, dir] of [['--pred', o.pred], ['--gt', o.gt]] as const) {
    if (existsSync(target) && isSameOrInside(target, realPathOf(dir))) {
      throw new CommanderArgError(`${flag} ${out} is an existing file inside ${inFlag} ${dir}: writing the report would overwrite an input; choose another ${flag}`);
    }
  }
}

/** Writes the JSON report (NaN → null), creating the folder. */
function writeReport(out: string, report: object): string {
  const p = resolve(out);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, JSON.stringify(report, (_, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2));
  return p;
}

/** Which sides to map labelId → trainId, from the flag and the file names. */
function labelIdSides(flag: LabelIdsFlag, naming: MatchedPairs['naming']): { pred: boolean; gt: boolean } {
  switch (flag) {
    case 'none':
      return { pred: false, gt: false };
    case 'gt':
      return { pred: false, gt: true };
    case 'pred':
      return { pred: true, gt: false };
    case 'both':
      return { pred: true, gt: true };
    default:
      return { pred: naming.pred === 'labelIds', gt: naming.gt === 'labelIds' };
  }
}

/**
 * `eval seg`: PA / mPA / mIoU / FWIoU (or with `cityscapes` the Cityscapes benchmark) over
 * two folders; prints a table with class names, writes `out` (JSON) and `perImage`
 * (CSV / JSON: pixel accuracy and mIoU per image) when given.
 *
 * @throws commander's InvalidArgumentError for flags that do not fit together; NotFoundError / InvalidArgumentError from matching and decoding
 */
export async function evalSeg(o: SegOptions): Promise<{ metrics: ConfusionMetrics | CityscapesResult; count: number; classNames?: string[]; perImage?: SegImageScores[] }> {
  const labelIdsFlag = o.labelIds ?? 'auto';
  if (o.cityscapes) {
    // the benchmark counts labelIds on both sides; a trainId conversion or a K would contradict it
    if (labelIdsFlag !== 'auto' && labelIdsFlag !== 'none') throw new CommanderArgError(`--label-ids ${labelIdsFlag} does not apply with --cityscapes (the Cityscapes benchmark reads labelIds on both sides as they are)`);
    if (o.dropInvalid) throw new CommanderArgError('--drop-invalid does not apply with --cityscapes (ids the benchmark ignores are already skipped)');
    if (o.classNames) throw new CommanderArgError('--class-names does not apply with --cityscapes (the Cityscapes class names are printed)');
  }
  assertReportOutsideInputs('--out', o.out, o);
  assertReportOutsideInputs('--per-image', o.perImage, o);
  const { pairs, naming } = matchPairs(o.pred, o.gt, o.cityscapes ? 'cityscapes' : 'labels');
  const sides = o.cityscapes ? { pred: false, gt: false } : labelIdSides(labelIdsFlag, naming);
  const converted = sides.pred || sides.gt;
  const k = o.classes ?? o.classNames?.length ?? (converted ? 19 : undefined);
  if (!o.cityscapes && k === undefined) {
    throw new InvalidArgumentError('--classes', 'the number of classes K (or --class-names, --cityscapes, or Cityscapes labelIds files / --label-ids)', undefined);
  }
  const names = o.cityscapes ? undefined : classNames(k!, o.classNames);
  const ignoreIndex = o.ignoreIndex ?? 255;
  const make = (chunk: EvalPair[]): EvalTask => ({
    kind: 'seg',
    pairs: chunk,
    cityscapes: !!o.cityscapes,
    classes: k ?? 19,
    ignoreIndex,
    labelIds: sides,
    dropInvalidTargets: o.dropInvalid ?? false,
    perImage: o.perImage !== undefined,
    maxPixels: o.maxPixels,
  });
  const parts = await runParallel(make, pairs, o.workers ?? defaultWorkers(pairs.length), commandProgress('eval', pairs.length, o));
  const perImage = parts.flatMap((p) => (p.kind === 'seg' && p.images ? p.images : [])).sort((a, b) => (a.name < b.name ? -1 : 1));
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
    printRows(Object.entries(r.classIou).map(([c, v]) => [c, `IoU ${f4(v)}${c in r.classInstIou ? `  iIoU ${f4(r.classInstIou[c]!)}` : ''}`]));
  } else {
    const cm = new ConfusionMatrix(k!, { ignoreIndex, dropInvalidTargets: o.dropInvalid ?? false });
    for (const p of parts) if (p.kind === 'seg' && p.confusion) cm.merge(p.confusion);
    const r = cm.compute();
    metrics = r;
    const conv = sides.pred && sides.gt ? '--pred and --gt' : sides.gt ? '--gt' : sides.pred ? '--pred' : '';
    printRows([
      ['images', String(pairs.length)],
      ...(conv ? [['labelIds → trainIds', conv] as [string, string]] : []),
      ...(o.dropInvalid ? [['invalid targets', 'dropped'] as [string, string]] : []),
      ['pixel accuracy (PA)', f4(r.pixelAccuracy)],
      ['mean accuracy (mPA)', f4(r.meanAccuracy)],
      ['mean IoU (mIoU)', f4(r.meanIoU)],
      ['frequency-weighted IoU', f4(r.fwIoU)],
    ]);
    console.log('');
    printRows(r.iou.map((v, c) => [names![c]!, `IoU ${f4(v)}  acc ${f4(r.accuracy[c]!)}  dice ${f4(r.dice[c]!)}`]));
  }
  if (o.perImage !== undefined) {
    const rows = perImage.map((s) => ({ name: s.name, pixelAccuracy: s.pixelAccuracy, meanIoU: s.meanIoU, pixels: s.pixels, iou: s.iou }));
    console.log(`\nwrote ${writePerImage(o.perImage, rows)}`);
  }
  if (o.out !== undefined) {
    const report = {
      mode: o.cityscapes ? 'cityscapes' : 'seg',
      pred: o.pred,
      gt: o.gt,
      images: pairs.length,
      ...(names ? { classNames: names, labelIdsToTrainIds: sides, dropInvalidTargets: o.dropInvalid ?? false } : {}),
      ...metrics,
    };
    console.log(`${o.perImage !== undefined ? '' : '\n'}wrote ${writeReport(o.out, report)}`);
  }
  return { metrics, count: pairs.length, classNames: names, perImage: o.perImage !== undefined ? perImage : undefined };
}

/** `eval img`: mean PSNR and SSIM over two folders; `out` (JSON) and `perImage` (CSV / JSON) when given. */
export async function evalImg(o: ImgOptions): Promise<{ psnr: number; ssim: number; count: number }> {
  assertReportOutsideInputs('--out', o.out, o);
  assertReportOutsideInputs('--per-image', o.perImage, o);
  const { pairs } = matchPairs(o.pred, o.gt, 'images');
  const make = (chunk: EvalPair[]): EvalTask => ({ kind: 'img', pairs: chunk, dataRange: o.dataRange, maxPixels: o.maxPixels });
  const parts = await runParallel(make, pairs, o.workers ?? defaultWorkers(pairs.length), commandProgress('eval', pairs.length, o));
  const images = parts.flatMap((p) => (p.kind === 'img' ? p.images : [])).sort((a, b) => (a.name < b.name ? -1 : 1));
  const mean = (key: 'psnr' | 'ssim') => images.reduce((s, i) => s + i[key], 0) / images.length;
  const psnr = mean('psnr');
  const ssim = mean('ssim');
  const dataRange = parts[0]?.kind === 'img' ? parts[0].dataRange : o.dataRange;
  printRows([
    ['images', String(images.length)],
    ['data range', String(dataRange)],
    ['PSNR (mean, dB)', psnr.toFixed(4)],
    ['SSIM (mean)', ssim.toFixed(4)],
  ]);
  if (o.perImage !== undefined) console.log(`\nwrote ${writePerImage(o.perImage, images)}`);
  if (o.out !== undefined) {
    console.log(`${o.perImage !== undefined ? '' : '\n'}wrote ${writeReport(o.out, { mode: 'img', pred: o.pred, gt: o.gt, dataRange, images: images.length, psnr, ssim, perImage: images })}`);
  }
  return { psnr, ssim, count: images.length };
}

/** The global flags an action reads (`--quiet`). */
const globals = (cmd: Command): { quiet?: boolean } => cmd.optsWithGlobals() as { quiet?: boolean };

/** The `eval` command with its `seg` and `img` subcommands. */
export function evalCommand(): Command {
  const cmd = new Command('eval').description('Evaluate predictions against ground truth (segmentation or restoration metrics)');
  // inputs first, outputs and execution last, each subcommand's own options between (the --help order)
  const inputs = (c: Command) => c.requiredOption('--pred <dir>', 'folder of predictions').requiredOption('--gt <dir>', 'folder of ground truth');
  const rest = (c: Command) =>
    c
      .option('--out <file>', 'JSON report path (nothing is written without it)')
      .addOption(new Option('--per-image <file>', 'per-image results, .csv or .json').argParser(perImageFlag))
      .addOption(new Option('--workers <n>', 'worker threads (default: all cores from 16 images)').argParser(intFlag('--workers', 1, 1024)))
      .addOption(new Option('--max-pixels <n>', 'largest image decoded, in pixels (default 67108864 = 8192²)').argParser(maxPixelsFlag))
      .option('--progress', 'show progress on stderr even when it is not a terminal')
      .option('--no-progress', 'no progress display');
  rest(
    inputs(cmd.command('seg').description('PA / mPA / mIoU / FWIoU from label maps, or the Cityscapes benchmark (IoU/iIoU class/category) with --cityscapes'))
      .addOption(new Option('--classes <k>', 'number of classes K (default: the --class-names count, or 19 with Cityscapes labelIds)').argParser(intFlag('--classes', 1, 65536)))
      .addOption(new Option('--class-names <list>', 'comma-separated class names for the table (default: Cityscapes names when K = 19, else indices)').argParser(parseClassNames))
      .addOption(
        new Option('--label-ids <side>', 'which side holds Cityscapes labelIds to map to trainIds: auto = files named *_labelIds.png')
          .choices(['auto', 'none', 'gt', 'pred', 'both'])
          .default('auto'),
      )
      .option('--drop-invalid', 'drop target pixels outside [0, K) that are not --ignore-index (default: error)')
      .addOption(new Option('--ignore-index <i>', 'target label to ignore').default(255).argParser(intFlag('--ignore-index', 0, 65535)))
      .option('--cityscapes', 'Cityscapes labelIds benchmark (gt *_gtFine_labelIds.png + *_gtFine_instanceIds.png)'),
  ).action(async (o: SegOptions, c: Command) => {
    await evalSeg({ ...o, ...globals(c) });
  });
  rest(
    inputs(cmd.command('img').description('PSNR and SSIM (Wang configuration) between restored and reference images')).addOption(
      new Option('--data-range <r>', 'pixel value range (default 255 for 8-bit, 65535 for 16-bit images)').argParser(numberFlag('--data-range', 0)),
    ),
  ).action(async (o: ImgOptions, c: Command) => {
    await evalImg({ ...o, ...globals(c) });
  });
  return cmd;
}
