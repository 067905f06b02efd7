import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import { countTrainableParams, fpnSegmenter, loadTorchStateDict, resnetBackbone, torchWeightMap } from '../src/models/index.js';
import type { SafeTensor } from '../src/models/safetensors.js';
import { expectClose, loadFixture } from './helpers/index.js';

// The closed-form weights of scripts/gen_model_fixtures.py (formula_tensor): ResNet-18 is too big to commit.
const keyHash = (key: string) => [...key].reduce((s, c, i) => s + c.charCodeAt(0) * (i + 1), 0) % 997;
function formulaTensor(key: string, shape: number[]): SafeTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const h = keyHash(key);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const s = Math.sin(0.7 * j + 0.37 * h);
    if (key.endsWith('running_var')) data[j] = 1 + 0.5 * s * s;
    else if (key.endsWith('running_mean') || key.endsWith('bias')) data[j] = 0.1 * s;
    else if (shape.length === 1) data[j] = 1 + 0.2 * s;
    else data[j] = s * Math.sqrt(2 / fanIn);
  }
  return { dtype: 'F32', shape, data };
}
const formulaInput = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, (_, j) => Math.sin(0.013 * j * j + 0.1 * j)), shape);
};

interface Fx {
  outputs: { shape: number[]; data: number[] }[];
  keys?: string[];
}

describe('resnetBackbone', () => {
  it('ResNet-18 C2..C5 equal torchvision resnet18 with the same weights', () => {
    const f = loadFixture<Fx>('models/resnet18.json');
    const model = resnetBackbone({ depth: 18 });
    const sd = new Map(torchWeightMap(model).map((e) => [e.key, formulaTensor(e.key, e.torchShape)]));
    expect([...sd.keys()]).toContain('layer2.0.downsample.0.weight');
    loadTorchStateDict(model, sd);
    const x = formulaInput([1, 32, 32, 3]);
    const ys = model.predict(x) as Tensor[];
    ys.forEach((y, i) => {
      expect(y.shape).toEqual(f.outputs[i]!.shape);
      expectClose(y, f.outputs[i]!.data, 1e-4, `C${i + 2}`);
    });
    tf.dispose([x, ...ys]);
  });
  it('parameter counts of the torchvision trunks (fc excluded)', () => {
    // torchvision resnet18/50 have 11,689,512 / 25,557,032 parameters, fc 513,000 / 2,049,000.
    for (const [depth, n] of [[18, 11_689_512 - 513_000], [50, 25_557_032 - 2_049_000]] as const) {
      const m = resnetBackbone({ depth });
      expect(countTrainableParams(m)).toBe(n);
      m.dispose();
    }
  });
  it('rejects unknown depths and sizes that are not multiples of 32', () => {
    expect(() => resnetBackbone({ depth: 152 as never })).toThrow(/resnetBackbone: options\.depth: expected one of 18, 34, 50, 101/);
    const m = resnetBackbone({ depth: 18 });
    const x = tf.zeros([1, 48, 64, 3]);
    expect(() => m.apply(x)).toThrow(/multiples of 32/);
    x.dispose();
  });
});

describe('fpnSegmenter', () => {
  it('equals the PyTorch Panoptic FPN semantic branch (ResNet-18, FPN 16, head 8, GN(4)) with the same weights', () => {
    const f = loadFixture<Fx>('models/fpn_r18.json');
    const seg = fpnSegmenter({ depth: 18, numClasses: 3, fpnChannels: 16, headChannels: 8, groups: 4 });
    const entries = torchWeightMap(seg);
    expect(entries.map((e) => e.key).sort()).toEqual([...f.keys!].sort()); // same module names as the torch twin
    loadTorchStateDict(seg, new Map(entries.map((e) => [e.key, formulaTensor(e.key, e.torchShape)])));
    const x = formulaInput([1, 32, 32, 3]);
    const y = seg.predict(x) as Tensor;
    expect(y.shape).toEqual([1, 32, 32, 3]);
    expectClose(y, f.outputs[0]!.data, 1e-4);
    tf.dispose([x, y]);
  });

  it('logits at input resolution; a torchvision backbone state_dict initialises it', () => {
    const seg = fpnSegmenter({ depth: 18, numClasses: 5, fpnChannels: 32, headChannels: 16, groups: 8 });
    const backbone = resnetBackbone({ depth: 18 });
    const sd = new Map(torchWeightMap(backbone).map((e) => [e.key, formulaTensor(e.key, e.torchShape)]));
    sd.set('fc.weight', formulaTensor('fc.weight', [1000, 512]));
    const loaded = loadTorchStateDict(seg, sd, { allowMissing: true, allowUnexpected: true });
    expect(loaded.length).toBe(sd.size - 1);
    const x = formulaInput([1, 32, 32, 3]);
    const logits = seg.predict(x) as Tensor;
    expect(logits.shape).toEqual([1, 32, 32, 5]);
    // backbone weights arrive in the segmenter with the conv layout change
    loadTorchStateDict(backbone, new Map([...sd].filter(([k]) => !k.startsWith('fc'))));
    const a = seg.getLayer('layer3.1.conv2').getWeights()[0]!;
    const b = backbone.getLayer('layer3.1.conv2').getWeights()[0]!;
    expectClose(a, Array.from(b.dataSync()), 0);
    expect(seg.getLayer('sem_seg_head.scale_heads.3.4.norm')).toBeDefined();
    tf.dispose([x, logits]);
  });
});
