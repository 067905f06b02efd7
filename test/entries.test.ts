/**
 * Issue 17, the two entry points: what the platform-neutral core does on its own (weights from
 * bytes and URLs, the parallel host metrics in the calling thread, no JPEG codec until one is
 * plugged in), and that the Node faces keep today's behaviour on top of it. This file imports
 * the neutral faces (`src/<folder>/core.ts`) and only the Node modules each case names, so the
 * module-level hooks (sharp codec, worker pool) are off until a case imports them.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import { BackendError, InvalidArgumentError, NotFoundError } from '../src/errors.js';
import { InstanceNormalization, loadTorchWeights, loadVgg19Weights, saveTorchWeights, torchStateDict } from '../src/models/core.js';
import * as nodeModels from '../src/models/index.js';
import { ConfusionMatrix, ssimHost, ssimHostParallel } from '../src/metrics/core.js';
import { jpegCompress, type ImageRaster } from '../src/data/core.js';
import { fixturePath } from './helpers/index.js';

let server: Server;
let base: string;

beforeAll(async () => {
  // serves test/fixtures over HTTP: what fetch() reads in a browser
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname).slice(1);
    try {
      const body = readFileSync(fixturePath(path));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const kernels = (w: { convs: { kernel: Float32Array }[] }) => w.convs.map((c) => Array.from(c.kernel.subarray(0, 8)));

describe('core: VGG-19 weights from bytes and URLs', () => {
  it('bytes (Uint8Array, ArrayBuffer) and a URL give what the Node loader reads from the file', async () => {
    const file = fixturePath('vgg19_tiny.safetensors');
    const fromFile = await nodeModels.loadVgg19Weights(file);
    const bytes = new Uint8Array(readFileSync(file));
    for (const w of [await loadVgg19Weights(bytes), await loadVgg19Weights(bytes.slice().buffer), await loadVgg19Weights(`${base}vgg19_tiny.safetensors`)]) {
      expect(w.source).toBe('torchvision');
      expect(kernels(w)).toEqual(kernels(fromFile));
    }
    // Node: a file: URL is a path, an http URL is fetched
    expect(kernels(await nodeModels.loadVgg19Weights(pathToFileURL(file)))).toEqual(kernels(fromFile));
    expect(kernels(await nodeModels.loadVgg19Weights(new URL(`${base}vgg19_tiny.safetensors`)))).toEqual(kernels(fromFile));
  });

  it('a TF.js layers model.json URL fetches its shards beside it', async () => {
    const fromFile = await nodeModels.loadVgg19Weights(fixturePath('vgg19_tiny_keras/model.json'));
    const fromUrl = await loadVgg19Weights(new URL(`${base}vgg19_tiny_keras/model.json`));
    expect(fromUrl.source).toBe('keras');
    expect(kernels(fromUrl)).toEqual(kernels(fromFile));
  });

  it('a missing URL is a NotFoundError naming it; a bad argument names what is accepted', async () => {
    await expect(loadVgg19Weights(`${base}nope.safetensors`)).rejects.toThrow(NotFoundError);
    await expect(loadVgg19Weights(`${base}nope.safetensors`)).rejects.toThrow(/VGG-19 weights URL not found: http:.*nope\.safetensors/);
    await expect(loadVgg19Weights(42 as never)).rejects.toThrow(/loadVgg19Weights: path: expected a URL or the bytes of a \.safetensors file/);
  });
});

describe('core: torch weights', () => {
  const model = () => {
    const input = tfl.input({ shape: [null, null, 6] as unknown as number[] });
    return tfl.model({ inputs: input, outputs: new InstanceNormalization({ affine: true, name: 'norm' }).apply(input) as tfl.SymbolicTensor });
  };
  const state = (m: tfl.LayersModel) => [...torchStateDict(m)].map(([k, v]) => [k, Array.from(v.data)]);

  it('loads from a URL what it loads from the bytes, and returns the bytes it saves', async () => {
    const bytes = new Uint8Array(readFileSync(fixturePath('models/instance_norm.safetensors')));
    const a = model();
    const b = model();
    await loadTorchWeights(a, bytes);
    await loadTorchWeights(b, `${base}models/instance_norm.safetensors`);
    expect(state(b)).toEqual(state(a));
    const saved = await saveTorchWeights(a);
    const c = model();
    await loadTorchWeights(c, saved.buffer.slice(saved.byteOffset, saved.byteOffset + saved.byteLength) as ArrayBuffer);
    expect(state(c)).toEqual(state(a));
    await expect(loadTorchWeights(c, `${base}models/nope.safetensors`)).rejects.toThrow(NotFoundError);
    tf.dispose([a, b, c].flatMap((m) => m.weights.map((w) => w.read())));
  });

  it('writing a file is Node-only: the core rejects a path, naming segaware/node', async () => {
    await expect(saveTorchWeights(model(), 'w.safetensors')).rejects.toThrow(InvalidArgumentError);
    await expect(saveTorchWeights(model(), 'w.safetensors')).rejects.toThrow(/segaware\/node/);
  });
});

describe('core: the parallel host metrics without the Node worker pool', () => {
  it('ConfusionMatrix.updateParallel counts in the calling thread, equal to update', async () => {
    const n = 1 << 21;
    const t = new Uint8Array(n);
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = (i * 7) % 5;
      p[i] = (i * 13) % 5;
    }
    const a = new ConfusionMatrix(5);
    const b = new ConfusionMatrix(5);
    a.update({ data: p, shape: [1, 1024, 2048] }, { data: t, shape: [1, 1024, 2048] });
    expect(await b.updateParallel({ data: p, shape: [1, 1024, 2048] }, { data: t, shape: [1, 1024, 2048] }, { workers: 4 })).toBe(n);
    expect(b.compute()).toEqual(a.compute());
  });

  it('ssimHostParallel computes its row bands in the calling thread, equal to ssimHost', async () => {
    const shape = [2, 40, 48, 3];
    const size = 2 * 40 * 48 * 3;
    const a = Float32Array.from({ length: size }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
    const b = Float32Array.from({ length: size }, (_, i) => (Math.sin(i * 0.37 + 0.2) + 1) / 2);
    const host = ssimHost({ data: a, shape }, { data: b, shape }, { dataRange: 1 });
    const par = await ssimHostParallel({ data: a, shape }, { data: b, shape }, { dataRange: 1 }, { workers: 3 });
    par.forEach((v, i) => expect(v).toBeCloseTo(host[i]!, 12));
  });
});

describe('core: jpegCompress has no JPEG codec of its own in Node', () => {
  const image: ImageRaster = { data: Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => (i % 17) / 16), height: 8, width: 8, channels: 3 };

  it('fails naming the fix until sharp is plugged in, then round-trips through sharp', async () => {
    await expect(jpegCompress(image, { quality: 12 })).rejects.toThrow(BackendError);
    await expect(jpegCompress(image, { quality: 12 })).rejects.toThrow(/import from 'segaware' or 'segaware\/node' \(sharp\)/);
    await import('../src/data/degrade/jpeg_sharp.js');
    const out = await jpegCompress(image, { quality: 12 });
    expect(out.data.length).toBe(image.data.length);
    expect(Array.from(out.data)).not.toEqual(Array.from(image.data)); // lossy at quality 12
  });
});
