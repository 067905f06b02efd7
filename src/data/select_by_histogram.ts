/**
 * The thesis's histogram selection over image files (§4.2.2.3): reads each file and keeps it
 * when its `nightnessScore` lies in `(low, high)`. Node only (it decodes files with
 * sharp); the score itself (`./nightness.ts`) runs anywhere.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';
import { readImageRaster } from './image_io.js';
import { NIGHTNESS_KEYS, meanOf, pixelScores } from './nightness.js';
import type { NightnessOptions } from './nightness.js';

/** Result of {@link selectByHistogram}. */
export interface HistogramSelection {
  /** paths whose score lies strictly between low and high */
  selected: string[];
  /** the score of every input path, in input order */
  scores: number[];
}

/**
 * Reads each image and keeps those with `low < nightnessScore < high`
 * (thesis: 15 < S < 20). Images are decoded a few at a time.
 *
 * @example const { selected } = await selectByHistogram(paths, { low: 15, high: 20 });
 */
export async function selectByHistogram(
  paths: string[],
  options: NightnessOptions & { low?: number; high?: number; concurrency?: number } = {},
): Promise<HistogramSelection> {
  const FN = 'selectByHistogram';
  checkOptions(FN, options, [...NIGHTNESS_KEYS, 'low', 'high', 'concurrency']);
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) throw new InvalidArgumentError(`${FN}: paths`, 'an array of image paths', paths);
  const low = options.low ?? 15;
  const high = options.high ?? 20;
  if (!(typeof low === 'number' && typeof high === 'number' && low < high)) throw new InvalidArgumentError(`${FN}: options.low/high`, 'numbers with low < high', [low, high]);
  const conc = options.concurrency ?? 4;
  assertNumber(`${FN}: options.concurrency`, conc, { integer: true, min: 1 });
  // the files are decoded to [0,1]: options.range describes tensors, not files
  const scoring = { alpha: options.alpha, normalize: options.normalize, range: [0, 1] as [number, number] };
  const scores = new Array<number>(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      scores[i] = meanOf(pixelScores(FN, await readImageRaster(paths[i]!), scoring));
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, paths.length) }, worker));
  return { selected: paths.filter((_, i) => scores[i]! > low && scores[i]! < high), scores };
}
