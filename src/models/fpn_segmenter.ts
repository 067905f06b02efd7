/**
 * Panoptic FPN semantic segmentation (Kirillov et al. 2019, detectron2's
 * `SemSegFPNHead`) on a torchvision ResNet backbone.
 */
import { tfl } from '../tf.js';
import { ap, checkKeys, checkedInput, conv, enumOption, gn, heInit, intOption, relu, checkedModel } from './blocks.js';
import type { SymbolicTensor } from './blocks.js';
import { resnetTrunk } from './resnet_backbone.js';
import { BilinearUpsample2D } from './layers/bilinear_upsample2d.js';

/** Options of {@link fpnSegmenter}. */
export interface FpnSegmenterOptions {
  /** number of classes K (19 for Cityscapes); default 19 */
  numClasses?: number;
  /** ResNet depth; default 50 */
  depth?: 18 | 34 | 50 | 101;
  /** input channels; default 3 */
  inChannels?: number;
  /** FPN channels; default 256 */
  fpnChannels?: number;
  /** semantic head channels; default 128 */
  headChannels?: number;
  /** GroupNorm groups in the head; default 32 */
  groups?: number;
  /** backbone stem width (64 = torchvision; smaller for tests); default 64 */
  backboneWidth?: number;
  /** model name; default 'fpn_segmenter' */
  name?: string;
}

const KEYS = ['numClasses', 'depth', 'inChannels', 'fpnChannels', 'headChannels', 'groups', 'backboneWidth', 'name'] as const;

/**
 * ```
 * ResNet ─ C2  C3  C4  C5
 *          │   │   │   └ lateral1×1 ─────────────── P5 = out3×3
 *          │   │   └ lateral1×1 + up2(nearest) ──── P4 = out3×3
 *          …                                        P3, P2
 * head: Pl ─[conv3×3(128)─GN(32)─ReLU─(up2 bilinear)]×max(1, log2(stride/4)) ─┐
 *       Σ over P2..P5 (all at stride 4) ─ conv1×1(K) ─ up4 bilinear → logits [N,H,W,K]
 * ```
 * Bilinear upsampling uses half-pixel centres (torch `align_corners=False`).
 * Input H, W multiples of 32. Layer names: backbone = torchvision keys
 * (`conv1`, `layer1.0.conv1`, …), `fpn_lateral{2..5}`, `fpn_output{2..5}`,
 * `sem_seg_head.scale_heads.{i}.{j}` (+ `.norm`), `sem_seg_head.predictor`.
 *
 * @example
 * const seg = fpnSegmenter({ numClasses: 19, depth: 50 });
 * await loadTorchWeights(seg, 'resnet50.safetensors', { allowMissing: true, allowUnexpected: true });
 */
export function fpnSegmenter(options: FpnSegmenterOptions = {}): tfl.LayersModel {
  checkKeys('fpnSegmenter', options, KEYS);
  const numClasses = intOption('fpnSegmenter: options.numClasses', options.numClasses ?? 19);
  const depth = enumOption('fpnSegmenter: options.depth', options.depth ?? 50, [18, 34, 50, 101] as const);
  const inC = intOption('fpnSegmenter: options.inChannels', options.inChannels ?? 3);
  const fpnC = intOption('fpnSegmenter: options.fpnChannels', options.fpnChannels ?? 256);
  const headC = intOption('fpnSegmenter: options.headChannels', options.headChannels ?? 128);
  const groups = intOption('fpnSegmenter: options.groups', options.groups ?? 32);
  const width = intOption('fpnSegmenter: options.backboneWidth', options.backboneWidth ?? 64);
  const { input, x } = checkedInput('fpnSegmenter', inC, 32);
  const cs = resnetTrunk(x, depth, width);
  const fpnConv = (t: SymbolicTensor, k: number, name: string) => conv(t, { filters: fpnC, kernel: k, pad: k === 3 ? 1 : 0, name, init: heInit() });
  const ps: SymbolicTensor[] = new Array(4);
  let prev = fpnConv(cs[3]!, 1, 'fpn_lateral5');
  ps[3] = fpnConv(prev, 3, 'fpn_output5');
  for (let l = 2; l >= 0; l--) {
    const up = ap(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'nearest' }), prev);
    prev = ap(tfl.layers.add(), [fpnConv(cs[l]!, 1, `fpn_lateral${l + 2}`), up]);
    ps[l] = fpnConv(prev, 3, `fpn_output${l + 2}`);
  }
  const heads = ps.map((p, i) => {
    let y = p;
    const steps = Math.max(1, i);
    for (let k = 0; k < steps; k++) {
      const name = `sem_seg_head.scale_heads.${i}.${i === 0 ? 0 : 2 * k}`;
      y = relu(gn(conv(y, { filters: headC, kernel: 3, pad: 1, bias: false, name, init: heInit() }), groups, `${name}.norm`));
      if (i > 0) y = ap(new BilinearUpsample2D({ scale: 2 }), y);
    }
    return y;
  });
  let y = ap(tfl.layers.add(), heads);
  y = conv(y, { filters: numClasses, kernel: 1, name: 'sem_seg_head.predictor', init: heInit() });
  y = ap(new BilinearUpsample2D({ scale: 4 }), y);
  return checkedModel({ inputs: input, outputs: y, name: options.name ?? 'fpn_segmenter' });
}
