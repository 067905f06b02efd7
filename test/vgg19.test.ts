import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor4D } from '../src/tf.js';
import { loadVgg19Weights, vgg19Features, VGG19_LAYERS, type Vgg19Extractor, type Vgg19Weights } from '../src/models/index.js';
import { serializeSafetensors } from '../src/models/safetensors.js';
import { MismatchError, NotFoundError } from '../src/errors.js';
import { expectClose, expectNoLeaks, fixturePath, loadFixture } from './helpers/index.js';

const fx = loadFixture('losses_vgg.json');

describe('vgg19Features', () => {
  let weights: Vgg19Weights;
  let vgg: Vgg19Extractor;
  let images: Tensor4D;
  beforeAll(async () => {
    weights = await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors'));
    vgg = vgg19Features({ weights, layers: ['conv1_2', 'conv3_4', 'conv5_4', 'relu2_2', 'pool5'] });
    images = tf.tensor4d(fx.images, fx.shape);
  });
  afterAll(() => {
    vgg.dispose();
    images.dispose();
  });

  it('has the torchvision layer names and 20,024,384 trainable parameters in the feature part', () => {
    expect(VGG19_LAYERS.length).toBe(16 * 2 + 5);
    expect(VGG19_LAYERS.slice(0, 5)).toEqual(['conv1_1', 'relu1_1', 'conv1_2', 'relu1_2', 'pool1']);
    expect(VGG19_LAYERS.at(-1)).toBe('pool5');
    const full = vgg19Features({ weights: 'random', layers: ['pool5'], trainable: true, seed: 1 });
    const trainable = full.model.trainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
    expect(trainable).toBe(fx.fullFeatureParams);
    expect(trainable).toBe(20024384);
    expect(full.model.layers.filter((l) => l.getClassName() === 'Conv2D').length).toBe(16);
    full.dispose();
    const frozen = vgg19Features({ weights: 'random', layers: ['conv5_4'] });
    expect(frozen.model.trainableWeights.length).toBe(0);
    frozen.dispose();
  });

  it('matches PyTorch pre-activation conv1_2, conv3_4, conv5_4 (and relu2_2, pool5) to 1e-4', () => {
    const out = vgg.extract(images);
    for (const name of ['conv1_2', 'conv3_4', 'conv5_4', 'relu2_2', 'pool5']) {
      expect(out[name]!.shape).toEqual(fx.features[name].shape);
      expectClose(out[name]!, fx.features[name].data, 1e-4, name);
    }
    tf.dispose(Object.values(out));
  });

  it('the trainable (layers-graph) path gives the same features and gradients reach the weights', () => {
    const tv = vgg19Features({ weights, layers: ['conv5_4'], trainable: true });
    const out = tv.extract(images);
    expectClose(out.conv5_4!, fx.features.conv5_4.data, 1e-4, 'conv5_4 trainable path');
    tf.dispose(Object.values(out));
    const { value, grads } = tf.variableGrads(() => tf.sum(tv.extract(images).conv5_4!) as tf.Scalar);
    expect(Object.keys(grads).length).toBe(32);
    tf.dispose([value, ...Object.values(grads)]);
    tv.dispose();
  });

  it('the frozen fast path has the same input gradient as the layers graph (odd sizes too)', () => {
    const fast = vgg19Features({ weights, layers: ['conv2_2', 'relu4_1', 'pool3'] });
    const graph = vgg19Features({ weights, layers: ['conv2_2', 'relu4_1', 'pool3'], trainable: true });
    const x = tf.randomUniform([1, 19, 22, 3], -1, 1, 'float32', 4) as Tensor4D;
    const loss = (v: typeof fast) => (t: tf.Tensor) => {
      const f = v.extract(t as Tensor4D);
      return tf.addN([tf.sum(tf.square(f.conv2_2!)), tf.sum(f.relu4_1!), tf.mul(tf.sum(f.pool3!), 3)]);
    };
    const [gFast, gGraph] = tf.tidy(() => [tf.grad(loss(fast))(x).dataSync(), tf.grad(loss(graph))(x).dataSync()]);
    expectClose(gFast!, gGraph!, 1e-5, 'input gradient');
    tf.dispose(x);
    fast.dispose();
    graph.dispose();
  });

  it('preActivation: false maps convB_C to the ReLU output', () => {
    const post = vgg19Features({ weights, layers: ['conv1_2'], preActivation: false });
    const a = post.extract(images);
    const expected = fx.features.conv1_2.data.map((v: number) => Math.max(v, 0));
    expectClose(a.conv1_2!, expected, 1e-4, 'relu1_2');
    tf.dispose(Object.values(a));
    post.dispose();
  });

  it('loads the same weights from the Keras/TF.js layers twin (Caffe preprocessing recorded)', async () => {
    const keras = await loadVgg19Weights(fixturePath('vgg19_tiny_keras/model.json'));
    expect(keras.source).toBe('keras');
    expect(keras.preprocessing).toBe('caffe');
    keras.convs.forEach((c, i) => {
      expectClose(c.kernel, weights.convs[i]!.kernel, 0, `kernel ${i}`);
      expectClose(c.bias, weights.convs[i]!.bias, 0, `bias ${i}`);
    });
    const kv = vgg19Features({ weights: keras, layers: ['conv1_1'] });
    // Caffe preprocessing: BGR, 0–255, minus the BGR mean
    const pre = kv.preprocess(tf.tensor4d([1, -1, 0], [1, 1, 1, 3]));
    expectClose(pre, [127.5 - 103.939, 0 - 116.779, 255 - 123.68], 1e-6, 'caffe');
    pre.dispose();
    kv.dispose();
  });

  it('rejects unknown layers, missing weights and files of other architectures', async () => {
    expect(() => vgg19Features({ weights, layers: ['conv6_1'] })).toThrow(/VGG-19 layer names/);
    expect(() => vgg19Features({} as never)).toThrow(/weights/);
    await expect(loadVgg19Weights('/nonexistent/vgg.safetensors')).rejects.toThrow(NotFoundError);
    const dir = mkdtempSync(join(tmpdir(), 'segaware-vgg-'));
    // VGG-16 layout: a conv at features.24, none at features.16
    const vgg16: Record<string, { shape: number[]; data: Float32Array }> = {};
    [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28].forEach((idx) => {
      vgg16[`features.${idx}.weight`] = { shape: [4, 4, 3, 3], data: new Float32Array(144) };
      vgg16[`features.${idx}.bias`] = { shape: [4], data: new Float32Array(4) };
    });
    writeFileSync(join(dir, 'vgg16.safetensors'), serializeSafetensors(vgg16));
    await expect(loadVgg19Weights(join(dir, 'vgg16.safetensors'))).rejects.toThrow(/another architecture/);
    writeFileSync(join(dir, 'resnet.safetensors'), serializeSafetensors({ 'conv1.weight': { shape: [2, 3, 7, 7], data: new Float32Array(294) } }));
    await expect(loadVgg19Weights(join(dir, 'resnet.safetensors'))).rejects.toThrow(MismatchError);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: [], weights: [] }] }));
    await expect(loadVgg19Weights(join(dir, 'model.json'))).rejects.toThrow(/blockB_convC/);
  });

  it('does not leak', async () => {
    await expectNoLeaks(() => vgg.extract(images));
  });
});
