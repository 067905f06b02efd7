/**
 * Reading a `(prediction, target)` image pair into host memory for the float64 host loops
 * ({@link ssimHost}, {@link PsnrMetric}, {@link SsimMetric}).
 */
import { InvalidArgumentError } from '../errors.js';
import { toHostImage } from '../ops/image_input.js';
import type { HostImage, ImageInput } from '../ops/image_input.js';
import type { PairLabels } from './pair_labels.js';
import { checkHostImage } from './value_check.js';

/**
 * Reads and checks a host image pair: same shape, non-empty, finite, within `dataRange`
 * (the target is the reference). With `allowEmptyBatch` (the accumulators) a batch of N = 0
 * images passes (the caller adds nothing); zero-size images never do.
 *
 * @returns `[prediction, target]` as rank-4 host views
 * @throws InvalidArgumentError labelled with `labels` (`fn: prediction`, `fn: target`,
 *   `fn: prediction/target`, the `dataRange` option's label)
 * @example const [p, t] = readHostPair(pairLabels('ssimHost'), prediction, target, 1);
 */
export function readHostPair(labels: PairLabels, prediction: ImageInput, target: ImageInput, dataRange: number, allowEmptyBatch = false): [HostImage, HostImage] {
  const A = toHostImage(labels.prediction, prediction);
  const B = toHostImage(labels.target, target);
  if (A.shape.some((d, i) => d !== B.shape[i])) {
    throw new InvalidArgumentError(`${labels.fn}: prediction/target`, 'images of the same shape', `[${A.shape.join(',')}] and [${B.shape.join(',')}]`);
  }
  if (allowEmptyBatch && A.shape[0] === 0 && A.shape.every((d, i) => i === 0 || d > 0)) return [A, B];
  if (A.data.length === 0) throw new InvalidArgumentError(labels.prediction, 'non-empty images', `shape [${A.shape.join(',')}]`, 'nothing to measure');
  // the target first: its bound is the strict one, so its error names the range that fits the data
  checkHostImage(labels.target, B.data, dataRange, 'reference', labels.dataRange);
  checkHostImage(labels.prediction, A.data, dataRange, 'prediction', labels.dataRange);
  return [A, B];
}
