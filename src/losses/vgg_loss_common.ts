/** Shared plumbing of the VGG-based losses (internal). */
import { InvalidArgumentError } from '../errors.js';
import type { Tensor4D } from '../tf.js';
import { assertRank, assertSameShape } from '../validate.js';
import { assertFiniteTensor } from '../finite_check.js';
import { VGG19_LAYERS, type Vgg19Extractor } from '../models/vgg19.js';

/** A set of VGG taps: names (weight 1 each) or name → weight. */
export type LayerWeights = readonly string[] | Readonly<Record<string, number>>;

/**
 * Normalises a {@link LayerWeights} option and checks the extractor provides every tap.
 * `labels` name the two in errors, e.g. `{ extractor: 'perceptualLoss: options.extractor', layers: 'perceptualLoss: options.layers' }`.
 */
export function resolveLayerWeights(labels: { extractor: string; layers: string }, extractor: Vgg19Extractor, layers: LayerWeights): [string, number][] {
  if (extractor == null || typeof extractor.extract !== 'function') {
    throw new InvalidArgumentError(labels.extractor, 'a VGG-19 extractor from vgg19Features(...)', extractor);
  }
  const entries: [string, number][] = Array.isArray(layers) ? layers.map((l) => [l, 1]) : Object.entries(layers as Record<string, number>);
  if (entries.length === 0) throw new InvalidArgumentError(labels.layers, 'at least one VGG-19 layer', layers);
  for (const [name, w] of entries) {
    if (!VGG19_LAYERS.includes(name)) throw new InvalidArgumentError(labels.layers, `VGG-19 layer names (${VGG19_LAYERS.join(', ')})`, name);
    if (!extractor.layers.includes(name)) {
      throw new InvalidArgumentError(labels.layers, `layers the extractor was built with (${extractor.layers.join(', ')})`, name, `build it with vgg19Features({ layers: [..., '${name}'] })`);
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new InvalidArgumentError(`${labels.layers}.${name}`, 'a weight ≥ 0', w);
  }
  return entries.filter(([, w]) => w > 0);
}

/**
 * Checks a prediction/target image pair, and that the target (data) is finite; the prediction
 * is not read back (a non-finite one gives a NaN loss instead).
 */
export function checkImages(fn: string, prediction: unknown, target: unknown): asserts prediction is Tensor4D {
  assertRank(`${fn}: prediction`, prediction, 4);
  assertRank(`${fn}: target`, target, 4);
  assertSameShape(`${fn}: prediction`, prediction, 'target', target as Tensor4D);
  assertFiniteTensor(`${fn}: target`, target as Tensor4D);
}
