import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import {
  countTrainableParams,
  loadTorchWeights,
  patchGanDiscriminator,
  resnetGenerator,
  saveTorchWeights,
  torchWeightMap,
  fpnSegmenter,
  multiScaleDiscriminator,
  snPatchGanDiscriminator,
  unet,
  unetGenerator,
  unitTranslator,
} from '../src/models/index.js';
import { parseSafetensors } from '../src/models/safetensors.js';
import { MismatchError, NotFoundError } from '../src/errors.js';
import { expectClose, fixturePath, loadFixture } from './helpers/index.js';

interface Fx {
  input: { shape: number[]; data: number[] };
  outputs: { shape: number[]; data: number[] }[];
}
const fx = (name: string) => loadFixture<Fx>(`models/${name}.json`);
const weights = (name: string) => new Uint8Array(readFileSync(fixturePath(`models/${name}.safetensors`)));

async function compare(model: tfl.LayersModel, name: string, rtol = 1e-4): Promise<void> {
  const f = fx(name);
  await loadTorchWeights(model, weights(name));
  const x = tf.tensor(f.input.data, f.input.shape);
  const y = model.predict(x) as Tensor;
  expect(y.shape).toEqual(f.outputs[0]!.shape);
  expectClose(y, f.outputs[0]!.data, rtol, name);
  tf.dispose([x, y]);
}

describe('output equality with PyTorch (same weights, eval mode)', () => {
  it('pix2pix U-Net (numDowns 5, ngf 4, 3→2, batch norm)', async () => {
    await compare(unetGenerator({ numDowns: 5, ngf: 4, outChannels: 2 }), 'unet_generator');
  });
  it('NLayer PatchGAN (ndf 4, 6 channels, batch norm), 32×40 → 2×3', async () => {
    await compare(patchGanDiscriminator({ ndf: 4 }), 'patchgan');
  });
  it('NLayer PatchGAN with spectral norm on every conv: inference and one training call', async () => {
    const d = patchGanDiscriminator({ ndf: 4, spectralNorm: true });
    await compare(d, 'patchgan_sn');
    const f = fx('patchgan_sn');
    const x = tf.tensor(f.input.data, f.input.shape);
    const y = d.apply(x, { training: true }) as Tensor;
    expectClose(y, f.outputs[1]!.data, 1e-4, 'training-mode output (power iteration + batch statistics)');
    tf.dispose([x, y]);
  });
  it('UNIT multi-scale discriminator (dim 4, 2 layers, 3 scales) on a 22×18 input', async () => {
    const d = multiScaleDiscriminator({ dim: 4, nLayers: 2 });
    const f = fx('multiscale');
    await loadTorchWeights(d, weights('multiscale'));
    const x = tf.tensor(f.input.data, f.input.shape);
    const ys = d.predict(x) as Tensor[];
    expect(ys.map((y) => y.shape)).toEqual(f.outputs.map((o) => o.shape));
    ys.forEach((y, i) => expectClose(y, f.outputs[i]!.data, 1e-4, `scale ${i}`));
    tf.dispose([x, ...ys]);
  });
  it('CycleGAN ResNet generator (ngf 4, 2 blocks, instance norm, reflect)', async () => {
    await compare(resnetGenerator({ ngf: 4, nBlocks: 2 }), 'resnet_generator');
  });
  it('ResNet generator DFS variant (batch norm, zero padding)', async () => {
    await compare(resnetGenerator({ ngf: 4, nBlocks: 1, norm: 'batch', padding: 'zero', outChannels: 2 }), 'resnet_generator_bn_zero');
  });
});

describe('trainable parameter counts (SPEC §3) and output shapes', () => {
  it('unetGenerator unet_256 = 54,413,955', () => {
    const g = unetGenerator();
    expect(countTrainableParams(g)).toBe(54_413_955);
    expect(g.computeOutputShape([1, 256, 256, 3])).toEqual([1, 256, 256, 3]);
    g.dispose();
  });
  it('patchGanDiscriminator (6 ch, batch norm) = 2,768,705; 256×256 → 30×30×1', () => {
    const d = patchGanDiscriminator({ inChannels: 6 });
    expect(countTrainableParams(d)).toBe(2_768_705);
    expect(d.computeOutputShape([1, 256, 256, 6])).toEqual([1, 30, 30, 1]);
    d.dispose();
  });
  it('resnetGenerator (9 blocks, instance norm affine off) = 11,378,179', () => {
    const g = resnetGenerator();
    expect(countTrainableParams(g)).toBe(11_378_179);
    expect(g.computeOutputShape([1, 256, 256, 3])).toEqual([1, 256, 256, 3]);
    g.dispose();
  });
});

describe('PyTorch weight interchange', () => {
  it('saveTorchWeights writes torch names and layouts that load back identically', async () => {
    const g = unetGenerator({ numDowns: 5, ngf: 4 });
    const bytes = await saveTorchWeights(g);
    const { tensors } = parseSafetensors(bytes);
    expect(tensors.get('model.model.0.weight')!.shape).toEqual([4, 3, 4, 4]); // OIHW
    expect(tensors.get('model.model.3.weight')!.shape).toEqual([8, 3, 4, 4]); // ConvTranspose IOHW
    expect(tensors.get('model.model.1.model.2.running_var')!.shape).toEqual([8]);
    const g2 = unetGenerator({ numDowns: 5, ngf: 4 });
    await loadTorchWeights(g2, bytes);
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 1);
    const a = g.predict(x) as Tensor;
    const b = g2.predict(x) as Tensor;
    expectClose(b, Array.from(a.dataSync()), 1e-6);
    tf.dispose([x, a, b]);
  });
  it('saveTorchWeights / loadTorchWeights with file paths; a missing file is a NotFoundError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segaware-'));
    const d = patchGanDiscriminator({ ndf: 2, nLayers: 1 });
    await saveTorchWeights(d, join(dir, 'd.safetensors'));
    const d2 = patchGanDiscriminator({ ndf: 2, nLayers: 1 });
    const keys = await loadTorchWeights(d2, join(dir, 'd.safetensors'));
    expect(keys).toContain('model.3.running_var');
    const x = tf.randomNormal([1, 8, 8, 6], 0, 1, 'float32', 3);
    const a = d.predict(x) as Tensor;
    const b = d2.predict(x) as Tensor;
    expectClose(b, Array.from(a.dataSync()), 1e-6);
    await expect(loadTorchWeights(d2, join(dir, 'nope.safetensors'))).rejects.toThrow(NotFoundError);
    rmSync(dir, { recursive: true, force: true });
    tf.dispose([x, a, b]);
  });
  it('every key of the torch fixtures maps to a model weight (names match the reference code)', () => {
    const { tensors } = parseSafetensors(weights('unet_generator'));
    const keys = torchWeightMap(unetGenerator({ numDowns: 5, ngf: 4, outChannels: 2 })).map((e) => e.key);
    const fileKeys = [...tensors.keys()].filter((k) => !k.endsWith('num_batches_tracked'));
    expect(keys.sort()).toEqual(fileKeys.sort());
  });
  it('a file of another architecture fails with the first mismatching name or shape', async () => {
    const g = unetGenerator({ numDowns: 5, ngf: 4, outChannels: 2 });
    await expect(loadTorchWeights(g, weights('patchgan'))).rejects.toThrow(MismatchError);
    await expect(loadTorchWeights(g, weights('patchgan'))).rejects.toThrow(/model\.model\.0\.weight.*missing/);
    const wide = unetGenerator({ numDowns: 5, ngf: 8, outChannels: 2 });
    await expect(loadTorchWeights(wide, weights('unet_generator'))).rejects.toThrow(/model\.model\.0\.weight has shape \[4,3,4,4\] in the file but \[8,3,4,4\] in the model/);
    const r = resnetGenerator({ ngf: 4, nBlocks: 1 });
    await expect(loadTorchWeights(r, weights('resnet_generator'))).rejects.toThrow(/key model\.11\.weight \(shape \[16,8,3,3\]\) is missing/);
    await expect(loadTorchWeights(r, weights('resnet_generator'), { allowMissing: true })).rejects.toThrow(/the file has model\.11\.conv_block\.1\.weight \(shape \[16,16,3,3\]\), which no model weight maps to/);
  });
});

describe('bad input', () => {
  it('wrong channel count names the model and the expected channels', () => {
    const g = unetGenerator({ numDowns: 5, ngf: 2 });
    const x = tf.zeros([1, 32, 32, 4]);
    expect(() => g.apply(x)).toThrow(/unetGenerator input: expected 3 channels/);
    x.dispose();
  });
  it('spatial size not divisible by the stride says which multiple is needed', () => {
    const g = unetGenerator({ numDowns: 5, ngf: 2 });
    const x = tf.zeros([1, 40, 32, 3]);
    expect(() => g.apply(x)).toThrow(/multiples of 32.*40×32/);
    const r = resnetGenerator({ ngf: 2, nBlocks: 1 });
    const y = tf.zeros([1, 18, 16, 3]);
    expect(() => r.apply(y)).toThrow(/multiples of 4/);
    const d = patchGanDiscriminator({ ndf: 2 });
    const z = tf.zeros([1, 16, 16, 6]);
    expect(() => d.apply(z)).toThrow(/at least 24/);
    const seg = fpnSegmenter({ depth: 18, backboneWidth: 2, fpnChannels: 4, headChannels: 4, groups: 2, numClasses: 2 });
    const w = tf.zeros([1, 48, 64, 3]);
    expect(() => seg.apply(w)).toThrow(/invalid fpnSegmenter input: expected height and width multiples of 32, received "48×64"/);
    tf.dispose([x, y, z, w]);
  });
  it('unknown option values and keys', () => {
    expect(() => unetGenerator({ norm: 'layer' as never })).toThrow(/invalid unetGenerator: options\.norm: expected one of "batch", "instance", "none", received "layer"/);
    expect(() => resnetGenerator({ padding: 'replicate' as never })).toThrow(/padding/);
    expect(() => patchGanDiscriminator({ variant: 'global' as never })).toThrow(/variant/);
    expect(() => unetGenerator({ numDowns: 3 })).toThrow(/numDowns/);
    expect(() => resnetGenerator({ nBlock: 6 } as never)).toThrow(/nBlock/);
    expect(() => unet({ activation: 'sigmoid' as never })).toThrow(/activation/);
    expect(() => multiScaleDiscriminator({ padding: 'replicate' as never })).toThrow(/padding/);
    expect(() => snPatchGanDiscriminator({ kernelSize: 4 })).toThrow(/odd/);
    expect(() => fpnSegmenter({ depth: 152 as never })).toThrow(/depth/);
    expect(() => unitTranslator({ nShared: 5, nRes: 4 })).toThrow(/nShared/);
  });
});
