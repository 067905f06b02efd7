/**
 * Seeded re-initialisation of a model's weights, the way pix2pix / CycleGAN
 * (`networks.init_weights`) initialise theirs. tfjs-layers initialisers draw
 * from an unseeded generator, so two builds of the same model differ; after
 * `initWeights(model, { seed })` they are identical, which is what makes
 * "same seed, same steps" comparisons and resumable runs reproducible.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf, tfl } from '../tf.js';
import { assertOneOf, checkOptions } from '../validate.js';
import { tfSeed } from '../ops/rng.js';

/** Options of {@link initWeights}. */
export interface InitWeightsOptions {
  /** seed of every draw (default 0); weight `i` uses `seed·7919 + i` */
  seed?: number;
  /**
   * Distribution of conv / dense kernels (pix2pix `--init_type`, default `'normal'`):
   * `'normal'` N(0, gain²); `'xavier'` N(0, gain²·2/(fanIn+fanOut));
   * `'kaiming'` N(0, 2/fanIn) (He, fan-in, ReLU).
   */
  type?: 'normal' | 'xavier' | 'kaiming';
  /** pix2pix `--init_gain` (default 0.02) */
  gain?: number;
}

const TYPES = ['normal', 'xavier', 'kaiming'] as const;
/** The keys of {@link InitWeightsOptions}. */
const INIT_WEIGHTS_KEYS = ['seed', 'type', 'gain'] as const;

/**
 * Re-initialises `model` in place: kernels (`…/kernel`, including those of
 * spectral-normalised and transposed convolutions) from the chosen normal
 * distribution, biases and `beta`s to 0, BatchNormalization `gamma` from
 * N(1, gain²) (pix2pix's rule), spectral-norm `u`/`v` vectors from N(0, 1)
 * normalised; other weights (moving statistics, instance/group-norm `gamma`)
 * are left as built.
 *
 * Reference: pix2pix/CycleGAN `models/networks.py::init_weights`.
 * @example
 * const G = unetGenerator({ numDowns: 6, ngf: 16 });
 * initWeights(G, { seed: 1 }); // same weights on every run and machine
 */
export function initWeights(model: tfl.LayersModel, options: InitWeightsOptions = {}): void {
  checkOptions('initWeights', options, INIT_WEIGHTS_KEYS);
  if (model == null || !Array.isArray((model as { weights?: unknown }).weights)) throw new InvalidArgumentError('initWeights: model', 'a tf.LayersModel', model);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new InvalidArgumentError('initWeights: options.seed', 'a finite number', seed);
  const type = options.type ?? 'normal';
  assertOneOf('initWeights: options.type', type, TYPES);
  const gain = options.gain ?? 0.02;
  if (!(typeof gain === 'number' && gain > 0 && Number.isFinite(gain))) throw new InvalidArgumentError('initWeights: options.gain', 'a positive number', gain);

  const batchNormGammas = new Set<string>();
  for (const layer of allLayers(model)) {
    if (layer.getClassName() === 'BatchNormalization') for (const w of layer.weights) if (/gamma$/.test(w.originalName)) batchNormGammas.add(w.originalName);
  }
  model.weights.forEach((w, i) => {
    const name = w.originalName;
    const s = tfSeed(Math.floor(seed) * 7919 + i); // never 0: tfjs reads a 0 seed as "random"
    const shape = w.shape as number[];
    const value = draw();
    if (value) {
      w.write(value);
      value.dispose();
    }
    function draw(): tf.Tensor | null {
      if (/(^|\/)kernel$/.test(name)) {
        const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const fanIn = receptive * (shape[shape.length - 2] ?? 1);
        const fanOut = receptive * (shape[shape.length - 1] ?? 1);
        const std = type === 'normal' ? gain : type === 'xavier' ? gain * Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
        return tf.randomNormal(shape, 0, std, 'float32', s);
      }
      if (/(^|\/)(bias|beta)$/.test(name)) return tf.zeros(shape);
      if (batchNormGammas.has(name)) return tf.randomNormal(shape, 1, gain, 'float32', s);
      if (/(^|\/)[uv]$/.test(name)) {
        return tf.tidy(() => {
          const r = tf.randomNormal(shape, 0, 1, 'float32', s);
          return tf.div(r, tf.maximum(tf.norm(r), 1e-12));
        });
      }
      return null;
    }
  });
}

function allLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  const out: tfl.layers.Layer[] = [];
  const visit = (layer: tfl.layers.Layer): void => {
    out.push(layer);
    const inner = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (Array.isArray(inner)) inner.forEach(visit);
  };
  model.layers.forEach(visit);
  return out;
}
