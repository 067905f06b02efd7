/**
 * VGG-19 feature extractor (the `features` part of torchvision's `vgg19`) with
 * pre-activation taps, and a loader for torchvision (safetensors) or Keras
 * (TF.js layers format) weights. No download happens behind the user's back: the weights are a
 * file (Node) or URL the user produced once (see docs/weights.md), their bytes, or explicitly
 * `'random'`.
 */
import { tf, tfl } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../errors.js';
import { assertRank, checkOptions } from '../validate.js';
import { parseSafetensors } from './safetensors.js';
import { fetchReader, sourceBytes, sourceLocation, type ByteReader, type WeightSource } from './weight_source.js';
import { NanMaxPooling2D, NanReLU, nanMaxPool, nanRelu } from './layers/nan_preserving.js';

/** Number of 3×3 convolutions per block of VGG-19. */
const BLOCKS = [2, 2, 4, 4, 4] as const;
/** Output channels of the 16 convolutions of VGG-19. */
export const VGG19_WIDTHS: readonly number[] = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512];
/** Index in torchvision's `vgg19().features` of each of the 16 convolutions. */
export const VGG19_TORCHVISION_CONV_INDICES: readonly number[] = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34];

/** Names of the 16 convolutions in order: conv1_1, conv1_2, conv2_1, … conv5_4. */
const CONV_NAMES: string[] = BLOCKS.flatMap((n, b) => Array.from({ length: n }, (_, c) => `conv${b + 1}_${c + 1}`));

/**
 * Every tap of VGG-19 in torchvision order: `conv1_1, relu1_1, conv1_2, relu1_2, pool1,
 * conv2_1, … conv5_4, relu5_4, pool5`. `convB_C` is the convolution output (before ReLU).
 */
export const VGG19_LAYERS: readonly string[] = BLOCKS.flatMap((n, b) => [
  ...Array.from({ length: n }, (_, c) => [`conv${b + 1}_${c + 1}`, `relu${b + 1}_${c + 1}`]).flat(),
  `pool${b + 1}`,
]);

/** ImageNet channel means (RGB, [0, 1] scale; torchvision preprocessing). */
const IMAGENET_MEAN: readonly number[] = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations (RGB; torchvision preprocessing). */
const IMAGENET_STD: readonly number[] = [0.229, 0.224, 0.225];
/** Caffe/Keras VGG preprocessing: BGR channel means on the 0–255 scale. */
const CAFFE_BGR_MEAN: readonly number[] = [103.939, 116.779, 123.68];

/** One convolution's parameters: kernel in tfjs layout `[3, 3, in, out]` and bias `[out]`. */
export interface Vgg19Conv {
  kernel: Float32Array;
  bias: Float32Array;
  inChannels: number;
  outChannels: number;
}

/**
 * VGG-19 weights read by {@link loadVgg19Weights}: the 16 convolutions, where they came
 * from, and the input preprocessing they were trained with.
 */
export interface Vgg19Weights {
  convs: Vgg19Conv[];
  /** `'torchvision'` (safetensors state_dict) or `'keras'` (TF.js layers format) */
  source: 'torchvision' | 'keras';
  /** `'imagenet'`: RGB in [0,1], mean/std normalised (torchvision); `'caffe'`: BGR 0–255 minus mean (Keras) */
  preprocessing: 'imagenet' | 'caffe';
}

function mismatch(path: string, what: string): MismatchError {
  return new MismatchError(`segaware: ${path} is not a VGG-19 weights file: ${what} (see docs/weights.md for how to produce one)`);
}

/** Checks the 16 convolutions chain (3 → … channels, 3×3 kernels). */
function checkChain(path: string, convs: Vgg19Conv[]): void {
  let cin = 3;
  convs.forEach((c, i) => {
    if (c.inChannels !== cin) throw mismatch(path, `${CONV_NAMES[i]} takes ${c.inChannels} input channels, expected ${cin}`);
    if (c.kernel.length !== 9 * c.inChannels * c.outChannels || c.bias.length !== c.outChannels) {
      throw mismatch(path, `${CONV_NAMES[i]} is not a 3×3 convolution with bias`);
    }
    cin = c.outChannels;
  });
}

function fromTorchvision(path: string, bytes: Uint8Array): Vgg19Weights {
  const { tensors } = parseSafetensors(bytes);
  const found = new Map<number, { weight?: { shape: number[]; data: Float32Array }; bias?: { shape: number[]; data: Float32Array } }>();
  for (const [name, t] of tensors) {
    const m = /(?:^|\.)features\.(\d+)\.(weight|bias)$/.exec(name);
    if (!m) continue;
    const idx = Number(m[1]);
    const e = found.get(idx) ?? {};
    e[m[2] as 'weight' | 'bias'] = { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) };
    found.set(idx, e);
  }
  if (found.size === 0) throw mismatch(path, 'it holds no `features.N.weight` tensors (expected a torchvision vgg19 state_dict)');
  const expected = new Set(VGG19_TORCHVISION_CONV_INDICES);
  const extra = [...found.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw mismatch(path, `it has parameters at features.${extra.join(', features.')}, where VGG-19 has none (another architecture, e.g. VGG-16 or batch-norm VGG?)`);
  const convs = VGG19_TORCHVISION_CONV_INDICES.map((idx, i) => {
    const e = found.get(idx);
    if (!e?.weight || !e.bias) throw mismatch(path, `features.${idx}.weight/bias (${CONV_NAMES[i]}) missing`);
    const [out, cin, kh, kw] = e.weight.shape as [number, number, number, number];
    if (e.weight.shape.length !== 4 || kh !== 3 || kw !== 3) throw mismatch(path, `features.${idx}.weight has shape [${e.weight.shape}], expected [out, in, 3, 3]`);
    // [out, in, kh, kw] → [kh, kw, in, out]
    const src = e.weight.data;
    const kernel = new Float32Array(src.length);
    for (let o = 0; o < out; o++)
      for (let c = 0; c < cin; c++)
        for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) kernel[((y * 3 + x) * cin + c) * out + o] = src[((o * cin + c) * 3 + y) * 3 + x]!;
    return { kernel, bias: e.bias.data, inChannels: cin, outChannels: out };
  });
  checkChain(path, convs);
  return { convs, source: 'torchvision', preprocessing: 'imagenet' };
}

async function fromKerasLayers(path: string, reader: ByteReader): Promise<Vgg19Weights> {
  let model: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  let text: string;
  try {
    text = new TextDecoder().decode(await reader.read(path));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new NotFoundError(`segaware: VGG-19 weights ${reader.kind} not found: ${path}`);
    throw err;
  }
  try {
    model = JSON.parse(text);
  } catch (err) {
    throw mismatch(path, `model.json is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(model.weightsManifest)) throw mismatch(path, 'model.json has no weightsManifest (expected the TF.js layers format)');
  const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of model.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        parts.push(await reader.read(reader.sibling(path, p)));
      } catch {
        throw new NotFoundError(`segaware: weight shard ${p} named in ${path} not found`);
      }
    }
    const total = parts.reduce((a, b) => a + b.byteLength, 0);
    const buf = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      buf.set(p, off);
      off += p.byteLength;
    }
    const named = tf.io.decodeWeights(buf.buffer, group.weights);
    for (const [name, t] of Object.entries(named)) {
      arrays.set(name, { shape: t.shape, data: t.dataSync() as Float32Array });
      t.dispose();
    }
  }
  const lookup = (b: number, c: number, kind: 'kernel' | 'bias') => {
    for (const [name, v] of arrays) if (new RegExp(`(^|/)block${b}_conv${c}/${kind}(:0)?$`).test(name)) return v;
    return undefined;
  };
  if (![...arrays.keys()].some((n) => /block\d_conv\d\//.test(n))) throw mismatch(path, 'it holds no `blockB_convC/kernel` weights (expected a Keras VGG19)');
  const convs: Vgg19Conv[] = [];
  BLOCKS.forEach((n, b) => {
    for (let c = 1; c <= n; c++) {
      const k = lookup(b + 1, c, 'kernel');
      const bias = lookup(b + 1, c, 'bias');
      if (!k || !bias) throw mismatch(path, `block${b + 1}_conv${c}/kernel or /bias missing (another architecture, e.g. VGG16?)`);
      if (k.shape.length !== 4 || k.shape[0] !== 3 || k.shape[1] !== 3) throw mismatch(path, `block${b + 1}_conv${c}/kernel has shape [${k.shape}], expected [3, 3, in, out]`);
      convs.push({ kernel: Float32Array.from(k.data), bias: Float32Array.from(bias.data), inChannels: k.shape[2]!, outChannels: k.shape[3]! });
    }
  });
  if (lookup(5, 5, 'kernel')) throw mismatch(path, 'it has a block5_conv5 (not VGG-19)');
  checkChain(path, convs);
  return { convs, source: 'keras', preprocessing: 'caffe' };
}

/**
 * Reads VGG-19 weights from (a) a torchvision `vgg19` `state_dict` saved as
 * **safetensors** (`features.N.weight` `[out, in, 3, 3]`, `features.N.bias`; any
 * `classifier.*` entries are ignored), or (b) a **Keras VGG19 converted to the TF.js
 * layers format** (`model.json` + shards; `blockB_convC/kernel`, `…/bias`). The format is
 * chosen by the extension (`.json` ⇒ TF.js layers, otherwise safetensors); bytes
 * (`ArrayBuffer` / `Uint8Array`) are a safetensors file's. Reduced-width twins (same layout,
 * other channel counts) load too; the widths are read from the file.
 *
 * Platform-neutral: a string or `URL` is fetched (`fetch`, relative to the page in a browser).
 * In Node (`segaware`, `segaware/node`) a string is a file path, and http(s) URLs are fetched.
 *
 * @param source a URL (string or `URL`) of a `.safetensors` or `model.json`, or safetensors bytes
 * @throws NotFoundError when the file or URL is missing; MismatchError when it is not VGG-19.
 * @example
 * const weights = await loadVgg19Weights('weights/vgg19.safetensors');
 * const vgg = vgg19Features({ weights, layers: ['conv5_4'] });
 */
export async function loadVgg19Weights(source: string | URL | ArrayBuffer | Uint8Array): Promise<Vgg19Weights> {
  return loadVgg19WeightsWith(source, fetchReader);
}

/** {@link loadVgg19Weights} reading locations with `reader` (Node passes its file reader). @internal */
export async function loadVgg19WeightsWith(source: WeightSource, reader: ByteReader): Promise<Vgg19Weights> {
  const bytes = sourceBytes(source);
  if (bytes) return fromTorchvision('the given bytes', bytes);
  const path = sourceLocation('loadVgg19Weights: path', source, `a ${reader.kind === 'file' ? 'file path' : 'URL'} or the bytes of a .safetensors file`);
  if (/\.json([?#].*)?$/i.test(path)) return fromKerasLayers(path, reader);
  let read: Uint8Array;
  try {
    read = await reader.read(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new NotFoundError(`segaware: VGG-19 weights ${reader.kind} not found: ${path} (see docs/weights.md)`);
    throw err;
  }
  return fromTorchvision(path, read);
}

/** Options of {@link vgg19Features}. */
export interface Vgg19FeaturesOptions {
  /** taps to return, from {@link VGG19_LAYERS}; default `['conv5_4']` */
  layers?: readonly string[];
  /** `convB_C` taps are taken before the ReLU (default true); false maps them to `reluB_C` */
  preActivation?: boolean;
  /** weights from {@link loadVgg19Weights}, or `'random'` (He-normal, for tests and shape checks) */
  weights: Vgg19Weights | 'random';
  /** seed of the `'random'` initialisation */
  seed?: number;
  /** whether the convolution weights are trainable; default false (frozen) */
  trainable?: boolean;
}

/** The keys of {@link Vgg19FeaturesOptions}. */
const VGG19_FEATURES_KEYS = ['layers', 'preActivation', 'weights', 'seed', 'trainable'] as const;

/** A VGG-19 feature extractor built by {@link vgg19Features}. */
export interface Vgg19Extractor {
  /** the network: input already preprocessed `[N, H, W, 3]`, one output per distinct tap of `layers` (up to the deepest tap only) */
  readonly model: tfl.LayersModel;
  /** the requested layer names (keys of {@link Vgg19Extractor.extract}'s result) */
  readonly layers: readonly string[];
  /** the preprocessing the weights expect */
  readonly preprocessing: 'imagenet' | 'caffe';
  /** maps images from `inputRange` (default [-1, 1]) to the network's input: [0,1] then ImageNet mean/std (or Caffe BGR) */
  preprocess(images: Tensor4D, inputRange?: readonly [number, number]): Tensor4D;
  /** preprocesses and runs the network in one forward pass: tap name → feature map `[N, h, w, C]` */
  extract(images: Tensor4D, inputRange?: readonly [number, number]): Record<string, Tensor4D>;
  /** frees the weights */
  dispose(): void;
}

/** Validates layer names, returning the canonical tap names (pre-activation mapping applied). */
export function resolveVgg19Layer(name: string, preActivation: boolean, argument = 'layers'): string {
  if (!VGG19_LAYERS.includes(name)) {
    throw new InvalidArgumentError(argument, `VGG-19 layer names (${VGG19_LAYERS.join(', ')})`, name);
  }
  return !preActivation && name.startsWith('conv') ? name.replace('conv', 'relu') : name;
}

/**
 * Builds the VGG-19 feature extractor (torchvision `vgg19().features` layout: 16 3×3
 * convolutions with padding 1, ReLU, 2×2 max pooling; 20,024,384 parameters) and returns
 * the requested taps in one forward pass. With `preActivation` (default) `convB_C` is the
 * convolution output before its ReLU (ESRGAN, the cooperative paper); `reluB_C` and `poolB`
 * are also available. The network stops at the deepest requested tap.
 *
 * @example
 * const vgg = vgg19Features({ weights: await loadVgg19Weights('vgg19.safetensors'), layers: ['conv1_2', 'conv5_4'] });
 * const { conv5_4 } = vgg.extract(images); // images in [-1, 1]
 */
export function vgg19Features(options: Vgg19FeaturesOptions): Vgg19Extractor {
  checkOptions('vgg19Features', options, VGG19_FEATURES_KEYS);
  if (options == null || options.weights === undefined) {
    throw new InvalidArgumentError('vgg19Features: options.weights', "weights from loadVgg19Weights(path) or 'random'", undefined, 'nothing is downloaded; see docs/weights.md');
  }
  const { weights } = options;
  if (weights !== 'random' && (weights === null || typeof weights !== 'object' || !Array.isArray(weights.convs) || weights.convs.length !== 16)) {
    throw new InvalidArgumentError('vgg19Features: options.weights', "weights from loadVgg19Weights(path) or 'random'", weights);
  }
  const preActivation = options.preActivation ?? true;
  if (typeof preActivation !== 'boolean') throw new InvalidArgumentError('vgg19Features: options.preActivation', 'a boolean', preActivation);
  const trainable = options.trainable ?? false;
  if (typeof trainable !== 'boolean') throw new InvalidArgumentError('vgg19Features: options.trainable', 'a boolean', trainable);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new InvalidArgumentError('vgg19Features: options.seed', 'a finite number', options.seed);
  const requested = options.layers ?? ['conv5_4'];
  if (!Array.isArray(requested) || requested.length === 0) throw new InvalidArgumentError('vgg19Features: options.layers', 'a non-empty array of layer names', requested);
  const resolved = requested.map((l) => resolveVgg19Layer(l, preActivation, 'vgg19Features: options.layers'));
  const taps = [...new Set(resolved)];
  const deepest = Math.max(...taps.map((t) => VGG19_LAYERS.indexOf(t)));
  const widths = weights === 'random' ? VGG19_WIDTHS : weights.convs.map((c) => c.outChannels);

  const input = tfl.input({ shape: [null, null, 3], name: 'vgg19_input' });
  const outputs = new Map<string, tfl.SymbolicTensor>();
  const convLayers: tfl.layers.Layer[] = [];
  let x = input;
  let conv = 0;
  for (let i = 0; i <= deepest; i++) {
    const name = VGG19_LAYERS[i]!;
    let layer: tfl.layers.Layer;
    if (name.startsWith('conv')) {
      layer = tfl.layers.conv2d({
        name,
        filters: widths[conv]!,
        kernelSize: 3,
        padding: 'same',
        useBias: true,
        kernelInitializer: tfl.initializers.heNormal({ seed: options.seed }),
        biasInitializer: 'zeros',
        trainable,
      });
      convLayers.push(layer);
      conv++;
    } else if (name.startsWith('relu')) layer = new NanReLU({ name });
    else layer = new NanMaxPooling2D({ name, poolSize: 2, strides: 2, padding: 'valid' });
    x = layer.apply(x) as tfl.SymbolicTensor;
    outputs.set(name, x);
  }
  const model = tfl.model({ inputs: input, outputs: taps.map((t) => outputs.get(t)!), name: 'vgg19_features' });
  if (weights !== 'random') {
    convLayers.forEach((layer, i) => {
      const c = weights.convs[i]!;
      tf.tidy(() => layer.setWeights([tf.tensor4d(c.kernel, [3, 3, c.inChannels, c.outChannels]), tf.tensor1d(c.bias)]));
    });
  }
  const preprocessing = weights === 'random' ? 'imagenet' : weights.preprocessing;
  const preprocess = (images: Tensor4D, inputRange: readonly [number, number] = [-1, 1]): Tensor4D => {
    assertRank('Vgg19Extractor.preprocess: images', images, 4);
    if (images.shape[3] !== 3) throw new InvalidArgumentError('Vgg19Extractor.preprocess: images', 'RGB images [N, H, W, 3]', `shape [${images.shape}]`);
    const [lo, hi] = Array.isArray(inputRange) ? inputRange : [];
    if (!(typeof lo === 'number' && typeof hi === 'number' && hi > lo)) throw new InvalidArgumentError('Vgg19Extractor.preprocess: inputRange', '[low, high] with high > low', inputRange);
    return tf.tidy(() => {
      const x01 = tf.div(tf.sub(images, lo), hi - lo);
      if (preprocessing === 'imagenet') return tf.div(tf.sub(x01, tf.tensor1d(IMAGENET_MEAN as number[])), tf.tensor1d(IMAGENET_STD as number[])) as Tensor4D;
      const bgr = tf.reverse(tf.mul(x01, 255), -1);
      return tf.sub(bgr, tf.tensor1d(CAFFE_BGR_MEAN as number[])) as Tensor4D;
    });
  };
  const frozen = frozenForward(VGG19_LAYERS.slice(0, deepest + 1), convLayers);
  return {
    model,
    layers: requested.slice(),
    preprocessing,
    preprocess,
    extract(images: Tensor4D, inputRange?: readonly [number, number]): Record<string, Tensor4D> {
      return tf.tidy(() => {
        const x = preprocess(images, inputRange);
        // frozen weights: a direct forward whose backward needs only input gradients (faster than the layers' graph)
        const out = model.trainableWeights.length === 0 ? frozen(x, taps) : (model.apply(x) as Tensor | Tensor[]);
        const list = Array.isArray(out) ? out : [out];
        const result: Record<string, Tensor4D> = {};
        requested.forEach((name, i) => (result[name] = list[taps.indexOf(resolved[i]!)] as Tensor4D));
        return result;
      });
    },
    dispose() {
      frozen.dispose();
      model.dispose();
    },
  };
}

/**
 * 3×3 stride-1 'same' convolution + bias whose gradient is computed for the input only,
 * as a convolution with the spatially flipped, in/out-transposed kernel.
 */
function frozenConv(kernel: () => Tensor4D, flipped: () => Tensor4D, bias: () => Tensor) {
  return tf.customGrad(((x: Tensor4D) => ({
    value: tf.fused.conv2d({ x, filter: kernel(), strides: 1, pad: 'same', bias: bias() }),
    gradFunc: (dy: Tensor) => tf.conv2d(dy as Tensor4D, flipped(), 1, 'same'),
  })) as any) as (x: Tensor4D) => Tensor4D;
}

/**
 * 2×2 stride-2 max pooling whose gradient routes `dy` to the positions equal to the window
 * maximum (one mask multiply instead of a MaxPoolGrad kernel). Ties at positive values are
 * measure-zero after a convolution; ties at 0 (ReLU output) receive gradient that the
 * preceding ReLU zeroes, so the input gradient equals PyTorch's.
 */
const frozenPool = tf.customGrad(((x: Tensor4D, save: (t: Tensor[]) => void) => {
  // NaN for a window holding NaN/±∞, which wasm's maxPool would drop (see NanMaxPooling2D)
  const y = nanMaxPool(x, 2, 2, 'valid');
  save([x, y]);
  return {
    value: y,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xx, yy] = saved as [Tensor4D, Tensor4D];
      const [n, h, w, c] = xx.shape;
      const [ho, wo] = [yy.shape[1], yy.shape[2]];
      const xc = h === ho * 2 && w === wo * 2 ? xx : tf.slice(xx, [0, 0, 0, 0], [n, ho * 2, wo * 2, c]);
      // The window maximum is brought to full size with a ×2 nearest-neighbour resize (exact
      // for this factor) so that Equal compares same-shape tensors: wasm's broadcasting
      // comparison path is ~40× slower (537 ms vs 14 ms at 256×256×64).
      const mask = tf.cast(tf.equal(xc, tf.image.resizeNearestNeighbor(yy, [ho * 2, wo * 2])), 'float32');
      const g = tf.mul(mask, tf.image.resizeNearestNeighbor(dy as Tensor4D, [ho * 2, wo * 2]));
      return h === ho * 2 && w === wo * 2 ? g : tf.pad(g, [[0, 0], [0, h - ho * 2], [0, w - wo * 2], [0, 0]]);
    },
  };
}) as any) as (x: Tensor4D) => Tensor4D;

/** The frozen forward pass over `names` with the weights of `convLayers` (flipped kernels made on first use). */
function frozenForward(names: string[], convLayers: tfl.layers.Layer[]) {
  const flippedCache: (Tensor4D | undefined)[] = [];
  const convs = convLayers.map((layer, i) => {
    const kernel = () => layer.getWeights()[0] as Tensor4D;
    const bias = () => layer.getWeights()[1]!;
    const flipped = () => {
      let f = flippedCache[i];
      if (!f) {
        f = tf.keep(tf.tidy(() => tf.transpose(tf.reverse(kernel(), [0, 1]), [0, 1, 3, 2]) as Tensor4D));
        flippedCache[i] = f;
      }
      return f;
    };
    return frozenConv(kernel, flipped, bias);
  });
  const run = (x: Tensor4D, taps: string[]): Tensor[] => {
    const out = new Map<string, Tensor4D>();
    let h = x;
    let conv = 0;
    for (const name of names) {
      if (name.startsWith('conv')) h = convs[conv++]!(h);
      else if (name.startsWith('relu')) h = nanRelu(h);
      else h = frozenPool(h);
      out.set(name, h);
    }
    return taps.map((t) => out.get(t)!);
  };
  return Object.assign(run, {
    dispose: () => {
      tf.dispose(flippedCache.filter((f): f is Tensor4D => f !== undefined));
      flippedCache.length = 0;
    },
  });
}
