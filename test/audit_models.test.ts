// Issue 16 audit, models: one row per bad-input case with its expected outcome.
// Each row runs twice (warm-up, then a leak check), on the backend it names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import { checkAuditRow, type AuditRow } from './helpers/audit_table.js';
import type { Tensor } from '../src/tf.js';
import { fpnSegmenter, loadTorchWeights, resnetBackbone, saveTorchWeights, torchStateDict, unet, unitTranslator } from '../src/models/index.js';
import type { UnitTranslator } from '../src/models/index.js';
import { serializeSafetensors } from '../src/models/safetensors.js';
import { NanMaxPooling2D, nanMaxPool, nanRelu } from '../src/models/layers/nan_preserving.js';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../src/errors.js';

type Row = AuditRow;

const tmp = mkdtempSync(join(tmpdir(), 'segaware-audit-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let net: tfl.LayersModel;
let seg: tfl.LayersModel;
let backbone: tfl.LayersModel;
let unit: UnitTranslator;
beforeAll(() => {
  net = unet({ depth: 1, baseFilters: 2, activation: 'linear' });
  seg = fpnSegmenter({ depth: 18, backboneWidth: 4, fpnChannels: 8, headChannels: 8, groups: 2, numClasses: 3 });
  backbone = resnetBackbone({ depth: 18, width: 4 });
  unit = unitTranslator({ dim: 2, nRes: 1 });
});

/** Fraction of NaN values over every output tensor (disposes them). */
function nanFraction(out: Tensor | Tensor[]): number {
  const list = Array.isArray(out) ? out : [out];
  let nan = 0;
  let n = 0;
  for (const t of list) {
    for (const v of t.dataSync()) {
      n++;
      if (Number.isNaN(v)) nan++;
    }
  }
  tf.dispose(list);
  return nan / n;
}

/** A NaN with the sign bit set: what x86 arithmetic produces, and what wasm's Relu used to clear. */
const negativeNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer)[0]!;

const nanImage = (h: number, w: number, c = 3) => tf.fill([1, h, w, c], NaN);
/** One NaN pixel in an otherwise finite image. */
const onePixelNaN = (h: number, w: number) =>
  tf.tidy(() => {
    const d = new Float32Array(h * w * 3).fill(0.5);
    d[(3 * w + 5) * 3 + 1] = NaN;
    return tf.tensor4d(d, [1, h, w, 3]);
  });

const withInput = <T>(make: () => Tensor, f: (x: Tensor) => T): T => {
  const x = make();
  try {
    return f(x);
  } finally {
    x.dispose();
  }
};

function weightsFile(name: string, mutate: (dict: Map<string, { shape: number[]; data: Float32Array }>) => void): string {
  const m = unet({ depth: 1, baseFilters: 2 });
  const dict = torchStateDict(m);
  m.dispose();
  mutate(dict);
  const p = join(tmp, name);
  writeFileSync(p, serializeSafetensors(dict));
  return p;
}

const rows: Row[] = [
  // 1. input validation of the builders' models (apply / predict / predictOnBatch) and unitTranslator helpers
  { name: 'unet.apply(null)', run: () => net.apply(null as never), expect: { error: /invalid unet input: expected a rank-4 \[N,H,W,C\] tf\.Tensor, received null/, type: InvalidArgumentError } },
  { name: 'unet.predict(null)', run: () => net.predict(null as never), expect: { error: /invalid unet input: .*received null/, type: InvalidArgumentError } },
  { name: 'unet.predictOnBatch(undefined)', run: () => net.predictOnBatch(undefined as never), expect: { error: /invalid unet input: .*received undefined/, type: InvalidArgumentError } },
  { name: 'fpnSegmenter.apply("image")', run: () => seg.apply('image' as never), expect: { error: /invalid fpnSegmenter input: .*received "image"/, type: InvalidArgumentError } },
  { name: 'fpnSegmenter.apply(rank 3) (control: already clear)', run: () => withInput(() => tf.zeros([32, 32, 3]), (x) => seg.apply(x)), expect: { error: /invalid fpnSegmenter input: expected a rank-4 .*shape \[32,32,3\]/, type: InvalidArgumentError } },
  { name: 'resnetBackbone.predict(4 channels)', run: () => withInput(() => tf.zeros([1, 32, 32, 4]), (x) => backbone.predict(x)), expect: { error: /invalid resnetBackbone input: expected 3 channels/, type: InvalidArgumentError } },
  { name: 'resnetBackbone.apply(disposed tensor)', run: () => { const x = tf.zeros([1, 32, 32, 3]); x.dispose(); return backbone.apply(x); }, expect: { error: /invalid resnetBackbone input: expected a live tf\.Tensor/, type: InvalidArgumentError } },
  { name: 'unit.encode(null) (control: already clear)', run: () => unit.encode(null as never, 'a'), expect: { error: /invalid UnitTranslator\.encode: x: expected a tf\.Tensor, received null/, type: InvalidArgumentError } },
  { name: 'unit.decoderA.apply(null)', run: () => unit.decoderA.apply(null as never), expect: { error: /invalid unit_decoder_a input: .*received null/, type: InvalidArgumentError } },
  { name: 'a valid input still works (unet.apply [1,8,8,3] → [1,8,8,2])', run: () => withInput(() => tf.zeros([1, 8, 8, 3]), (x) => tf.tidy(() => (net.apply(x) as Tensor).shape)), expect: { value: [1, 8, 8, 2] } },

  // 2. empty batches: a named error on every backend (wasm: "divide by zero" / "Pass at least one tensor to concat")
  ...(['wasm', 'cpu'] as const).flatMap((backend): Row[] => [
    { name: `unet.apply(N=0) on ${backend}`, backend, run: () => withInput(() => tf.zeros([0, 8, 8, 3]), (x) => net.apply(x)), expect: { error: /invalid unet input: expected a batch of at least one image \(N ≥ 1\), received "shape \[0,8,8,3\]"/, type: InvalidArgumentError } },
    { name: `fpnSegmenter.predict(N=0) on ${backend}`, backend, run: () => withInput(() => tf.zeros([0, 32, 32, 3]), (x) => seg.predict(x)), expect: { error: /invalid fpnSegmenter input: expected a batch of at least one image/, type: InvalidArgumentError } },
    { name: `resnetBackbone.predict(N=0) on ${backend}`, backend, run: () => withInput(() => tf.zeros([0, 32, 32, 3]), (x) => backbone.predict(x)), expect: { error: /invalid resnetBackbone input: expected a batch of at least one image/, type: InvalidArgumentError } },
    { name: `unit.translate(N=0) on ${backend}`, backend, run: () => withInput(() => tf.zeros([0, 8, 8, 3]), (x) => unit.translate(x, 'a')), expect: { error: /invalid unitTranslator encoder A input: expected a batch of at least one image/, type: InvalidArgumentError } },
  ]),

  // 3. NaN inputs come out NaN (wasm used to give zero logits: Relu cleared sign-bit NaNs, MaxPool skipped NaN)
  ...(['wasm', 'cpu'] as const).flatMap((backend): Row[] => [
    { name: `fpnSegmenter(all-NaN image) → all-NaN logits on ${backend}`, backend, run: () => withInput(() => nanImage(32, 32), (x) => nanFraction(seg.predict(x) as Tensor)), expect: { value: 1 } },
    { name: `resnetBackbone(all-NaN image) → NaN C2..C5 on ${backend}`, backend, run: () => withInput(() => nanImage(32, 32), (x) => nanFraction(backbone.predict(x) as Tensor[])), expect: { value: 1 } },
    { name: `resnetBackbone(one NaN pixel) → C5 all NaN on ${backend}`, backend, run: () => withInput(() => onePixelNaN(32, 32), (x) => {
      const outs = backbone.predict(x) as Tensor[];
      tf.dispose(outs.slice(0, 3));
      return nanFraction(outs[3]!);
    }), expect: { value: 1 } },
    { name: `unet(image of sign-bit NaNs) → all-NaN logits on ${backend}`, backend, run: () => withInput(() => tf.fill([1, 8, 8, 3], negativeNaN), (x) => nanFraction(net.predict(x) as Tensor)), expect: { value: 1 } },
    { name: `nanRelu keeps a sign-bit NaN on ${backend}`, backend, run: () => withInput(() => tf.tensor1d([negativeNaN, -1, 2, NaN]), (x) => tf.tidy(() => Array.from(nanRelu(x).dataSync()))), expect: { value: [NaN, 0, 2, NaN] } },
    { name: `nanMaxPool: a window with a NaN is NaN, others exact, on ${backend}`, backend, run: () => withInput(() => tf.tensor4d([negativeNaN, 1, 5, 2, 3, 4, 6, 7], [1, 2, 4, 1]), (x) => tf.tidy(() => Array.from(nanMaxPool(x as tf.Tensor4D, 2, 2).dataSync()))), expect: { value: [NaN, 7] } },
  ]),
  { name: 'NanMaxPooling2D equals maxPooling2d on finite input, gradient included', run: () => withInput(() => tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 3), (x) => tf.tidy(() => {
    const ours = new NanMaxPooling2D({ poolSize: 3, strides: 2 });
    const stock = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 });
    const a = ours.apply(x) as Tensor;
    const b = stock.apply(x) as Tensor;
    const ga = tf.grad((t: Tensor) => tf.sum(tf.mul(ours.apply(t) as Tensor, tf.reshape(tf.range(1, 10), [1, 3, 3, 1]))))(x);
    const gb = tf.grad((t: Tensor) => tf.sum(tf.mul(stock.apply(t) as Tensor, tf.reshape(tf.range(1, 10), [1, 3, 3, 1]))))(x);
    return [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], tf.max(tf.abs(tf.sub(ga, gb))).dataSync()[0], a.shape];
  })), expect: { value: [0, 0, [1, 3, 3, 2]] } },

  // 4. weights files: NaN values and file system errors are named
  { name: 'loadTorchWeights: a NaN in a tensor → MismatchError naming the key', run: async () => {
    const p = weightsFile('nan.safetensors', (d) => (d.get('down0.conv1.weight')!.data[3] = NaN));
    const m = unet({ depth: 1, baseFilters: 2 });
    try {
      await loadTorchWeights(m, p);
    } finally {
      m.dispose();
    }
  }, expect: { error: /down0\.conv1\.weight has NaN at index 3/, type: MismatchError } },
  { name: 'loadTorchWeights: +Inf → MismatchError, nothing assigned', run: async () => {
    const p = weightsFile('inf.safetensors', (d) => (d.get('head.bias')!.data[0] = Infinity));
    const m = unet({ depth: 1, baseFilters: 2 });
    const before = Array.from(m.getLayer('down0.conv1').getWeights()[0]!.dataSync());
    try {
      await loadTorchWeights(m, p);
      return 'loaded';
    } catch (e) {
      const after = Array.from(m.getLayer('down0.conv1').getWeights()[0]!.dataSync());
      return [(e as Error).constructor.name, /head\.bias has Infinity/.test((e as Error).message), after.every((v, i) => v === before[i])];
    } finally {
      m.dispose();
    }
  }, expect: { value: ['MismatchError', true, true] } },
  { name: 'loadTorchWeights(a directory) → NotFoundError naming the path (was raw EISDIR)', run: async () => {
    const m = unet({ depth: 1, baseFilters: 2 });
    try {
      await loadTorchWeights(m, tmp);
    } finally {
      m.dispose();
    }
  }, expect: { error: /cannot read safetensors file ".*segaware-audit-models-.*": it is a directory, not a file \(EISDIR\)/, type: NotFoundError } },
  { name: 'loadTorchWeights(file/child) → NotFoundError (was raw ENOTDIR)', run: async () => {
    const f = join(tmp, 'plain.txt');
    writeFileSync(f, 'x');
    const m = unet({ depth: 1, baseFilters: 2 });
    try {
      await loadTorchWeights(m, join(f, 'w.safetensors'));
    } finally {
      m.dispose();
    }
  }, expect: { error: /plain\.txt\/w\.safetensors": a parent of it is a file, not a directory \(ENOTDIR\)/, type: NotFoundError } },
  { name: 'loadTorchWeights(missing file) → NotFoundError naming the path', run: async () => {
    const m = unet({ depth: 1, baseFilters: 2 });
    try {
      await loadTorchWeights(m, join(tmp, 'nope.safetensors'));
    } finally {
      m.dispose();
    }
  }, expect: { error: /nope\.safetensors": file not found \(ENOENT\)/, type: NotFoundError } },
  { name: 'saveTorchWeights(into a directory path) → NotFoundError naming the path (was raw EISDIR)', run: async () => {
    const d = join(tmp, 'dir.safetensors');
    mkdirSync(d, { recursive: true });
    const m = unet({ depth: 1, baseFilters: 2 });
    try {
      await saveTorchWeights(m, d);
    } finally {
      m.dispose();
    }
  }, expect: { error: /cannot write safetensors file ".*dir\.safetensors": it is a directory/, type: NotFoundError } },
];


describe('issue 16 audit: models', () => {
  for (const row of rows) it(row.name, () => checkAuditRow(row), 60_000);
});
