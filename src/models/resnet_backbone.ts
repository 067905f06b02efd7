/**
 * torchvision ResNet-18/34/50/101 as a feature extractor returning C2–C5.
 */
import { tfl } from '../tf.js';
import { ap, bn, checkKeys, checkedInput, conv, enumOption, heInit, intOption, relu, checkedModel } from './blocks.js';
import type { SymbolicTensor } from './blocks.js';
import { NanMaxPooling2D } from './layers/nan_preserving.js';

/** Options of {@link resnetBackbone}. */
export interface ResnetBackboneOptions {
  /** 18, 34 (BasicBlock) or 50, 101 (Bottleneck, v1.5: stride on the 3×3); default 50 */
  depth?: 18 | 34 | 50 | 101;
  /** input channels; default 3 */
  inChannels?: number;
  /** channels of the stem (64 in torchvision; stages use width·1, 2, 4, 8); smaller values give a reduced-width trunk for tests; default 64 */
  width?: number;
  /** model name; default `resnet<depth>` */
  name?: string;
}

const KEYS = ['depth', 'inChannels', 'width', 'name'] as const;
const LAYOUT: Record<number, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
};

/** Channel counts of C2..C5 for a depth. */
export function resnetStageChannels(depth: 18 | 34 | 50 | 101, width = 64): number[] {
  const e = LAYOUT[depth]!.bottleneck ? 4 : 1;
  return [1, 2, 4, 8].map((c) => c * width * e);
}

/**
 * Builds the ResNet trunk on `x` (layer names = torchvision keys, no prefix) and returns [C2, C3, C4, C5].
 * @internal
 */
export function resnetTrunk(x: SymbolicTensor, depth: 18 | 34 | 50 | 101, width = 64): SymbolicTensor[] {
  const { blocks, bottleneck } = LAYOUT[depth]!;
  x = relu(bn(conv(x, { filters: width, kernel: 7, stride: 2, pad: 3, bias: false, name: 'conv1', init: heInit() }), 'bn1'));
  // max-pool 3×3 s2 p1: zero padding is exact after a ReLU; NanMaxPooling2D keeps a NaN input NaN on wasm
  x = ap(tfl.layers.zeroPadding2d({ padding: 1 }), x);
  x = ap(new NanMaxPooling2D({ poolSize: 3, strides: 2, padding: 'valid' }), x);
  const outs: SymbolicTensor[] = [];
  let inC = width;
  for (let s = 0; s < 4; s++) {
    const planes = width * 2 ** s;
    const outC = bottleneck ? planes * 4 : planes;
    for (let b = 0; b < blocks[s]!; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      const p = `layer${s + 1}.${b}`;
      let y: SymbolicTensor;
      const c = (t: SymbolicTensor, filters: number, k: number, st: number, n: string) =>
        conv(t, { filters, kernel: k, stride: st, pad: k === 3 ? 1 : 0, bias: false, name: `${p}.${n}`, init: heInit() });
      if (bottleneck) {
        y = relu(bn(c(x, planes, 1, 1, 'conv1'), `${p}.bn1`));
        y = relu(bn(c(y, planes, 3, stride, 'conv2'), `${p}.bn2`));
        y = bn(c(y, outC, 1, 1, 'conv3'), `${p}.bn3`);
      } else {
        y = relu(bn(c(x, planes, 3, stride, 'conv1'), `${p}.bn1`));
        y = bn(c(y, planes, 3, 1, 'conv2'), `${p}.bn2`);
      }
      let shortcut = x;
      if (stride !== 1 || inC !== outC) {
        shortcut = bn(conv(x, { filters: outC, kernel: 1, stride, bias: false, name: `${p}.downsample.0`, init: heInit() }), `${p}.downsample.1`);
      }
      x = relu(ap(tfl.layers.add(), [y, shortcut]));
      inC = outC;
    }
    outs.push(x);
  }
  return outs;
}

/**
 * torchvision ResNet without `avgpool`/`fc`, returning the four stage outputs:
 *
 * ```
 * conv7 s2─BN─ReLU─maxpool3 s2 ─ layer1 → C2 (stride 4)
 *   ─ layer2 → C3 (8) ─ layer3 → C4 (16) ─ layer4 → C5 (32)
 * ```
 * BasicBlock (18/34): `3×3─BN─ReLU─3×3─BN + shortcut, ReLU`; Bottleneck
 * (50/101): `1×1─3×3(stride)─1×1(4×)` with BN, projection shortcut
 * `downsample.0/1` where the shape changes. Channels C2..C5: 64..512 (×4 for
 * Bottleneck). Input H, W multiples of 32. Layer names are the torchvision
 * state_dict keys (`layer3.1.conv2` …), so an ImageNet checkpoint converted
 * with `docs/weights.md` loads with `loadTorchWeights(model, file, { allowUnexpected: true })`
 * (the file's `fc.*` is skipped).
 *
 * @example
 * const r = resnetBackbone({ depth: 18 });
 * const [c2, c3, c4, c5] = r.predict(tf.zeros([1, 64, 64, 3])) as tf.Tensor4D[];
 */
export function resnetBackbone(options: ResnetBackboneOptions = {}): tfl.LayersModel {
  checkKeys('resnetBackbone', options, KEYS);
  const depth = enumOption('resnetBackbone: options.depth', options.depth ?? 50, [18, 34, 50, 101] as const);
  const inC = intOption('resnetBackbone: options.inChannels', options.inChannels ?? 3);
  const width = intOption('resnetBackbone: options.width', options.width ?? 64);
  const { input, x } = checkedInput('resnetBackbone', inC, 32);
  const outs = resnetTrunk(x, depth, width);
  return checkedModel({ inputs: input, outputs: outs, name: options.name ?? `resnet${depth}` });
}
