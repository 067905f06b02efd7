/**
 * Option-key checks and error labels of the data and models folders (issue 15,
 * "one vocabulary"): every public function, constructor and method that takes an
 * options object rejects a misspelled key with `invalid <fn>: options.<key>` and
 * the nearest valid key; value errors are labelled `<fn>: options.<key>` (or
 * `<fn>: <argument>`). Before the change the misspelled keys were silently
 * ignored and the labels were bare (`options.seed`, `ngf`, `numClasses`).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { tf, tfl } from '../src/tf.js';
import {
  ArrayDataset,
  CityscapesDataset,
  PairedFolderDataset,
  SyntheticStreetDataset,
  addFog,
  chromaticAberration,
  cityscapesDataset,
  colorize,
  degrade,
  dfsFolderDataset,
  encodeRaster,
  gaussianBlur,
  gaussianNoise,
  imageGrid,
  jpegCompress,
  nightnessHistogram,
  nightnessScore,
  pairedFolderDataset,
  readImage,
  readImageRaster,
  readLabelMap,
  readLabelRaster,
  readRaster,
  selectByHistogram,
  syntheticStreetScenes,
  toNight,
  writeImage,
  writeLabelMap,
} from '../src/data/index.js';
import {
  BilinearUpsample2D,
  ExclusiveAvgPool2D,
  GroupNormalization,
  InputCheck,
  InstanceNormalization,
  NanMaxPooling2D,
  NanReLU,
  ReflectionPadding2D,
  SpectralNormalization,
  fpnSegmenter,
  initWeights,
  loadTorchStateDict,
  loadTorchWeights,
  multiScaleDiscriminator,
  patchGanDiscriminator,
  resnetBackbone,
  resnetGenerator,
  snPatchGanDiscriminator,
  unet,
  unetGenerator,
  unitTranslator,
  vgg19Features,
} from '../src/models/index.js';
import { registerTrainingKernels } from '../src/backend/index.js';

/** The key with its second letter changed (edit distance 1, so it is the nearest match). */
const typo = (key: string): string => key[0] + (key[1] === 'x' ? 'y' : 'x') + key.slice(2);

const img = () => ({ data: new Float32Array(4 * 4 * 3).fill(0.5), height: 4, width: 4, channels: 3 });
const depth = () => ({ data: new Float32Array(16).fill(10), height: 4, width: 4, channels: 1 });
const ds = () => new ArrayDataset([{ name: 'a', image: img() }]);

/** The error `run` throws or rejects with (undefined when it succeeds). */
async function errorOf(run: () => unknown): Promise<Error | undefined> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

/** [label, the key misspelled, call with an options object] — the label is what errors name. */
type Case = [label: string, key: string, call: (options: never) => unknown];

const dataCases: Case[] = [
  ['readImage', 'maxPixels', (o) => readImage('x.png', o)],
  ['readImageRaster', 'maxPixels', (o) => readImageRaster('x.png', o)],
  ['readRaster', 'maxPixels', (o) => readRaster('x.png', o)],
  ['writeImage', 'range', (o) => writeImage('x.png', img(), o)],
  ['encodeRaster', 'range', (o) => encodeRaster(img(), 'png', o)],
  ['readLabelMap', 'maxPixels', (o) => readLabelMap('x.png', o)],
  ['readLabelRaster', 'maxPixels', (o) => readLabelRaster('x.png', o)],
  ['writeLabelMap', 'bitDepth', (o) => writeLabelMap('x.png', { data: new Int32Array(1), height: 1, width: 1 }, o)],
  ['colorize', 'ids', (o) => colorize(new Uint8Array(4), o)],
  ['imageGrid', 'cellSize', (o) => imageGrid(null, [[img()]], o)],
  ['addFog', 'beta', (o) => addFog(img(), depth(), o)],
  ['gaussianBlur', 'sigma', (o) => gaussianBlur(img(), o)],
  ['gaussianNoise', 'variance', (o) => gaussianNoise(img(), o)],
  ['jpegCompress', 'quality', (o) => jpegCompress(img(), o)],
  ['chromaticAberration', 'red', (o) => chromaticAberration(img(), o)],
  ['toNight', 'exposure', (o) => toNight(img(), o)],
  ['syntheticStreetScenes', 'count', (o) => syntheticStreetScenes(o)],
  ['SyntheticStreetDataset', 'count', (o) => new SyntheticStreetDataset(o)],
  ['Dataset.batches', 'batchSize', (o) => ds().batches(o).next()],
  ['Dataset.batchAt', 'batchSize', (o) => ds().batchAt(0, o)],
  ['pairedFolderDataset', 'labels', (o) => pairedFolderDataset({ image: '/nonexistent' }, o)],
  ['PairedFolderDataset', 'labels', (o) => new PairedFolderDataset({ image: '/nonexistent' }, o)],
  ['dfsFolderDataset', 'labels', (o) => dfsFolderDataset('/nonexistent', o)],
  ['cityscapesDataset', 'split', (o) => cityscapesDataset('/nonexistent', o)],
  ['CityscapesDataset', 'split', (o) => new CityscapesDataset('/nonexistent', o)],
  ['nightnessScore', 'alpha', (o) => nightnessScore(img(), o)],
  ['nightnessHistogram', 'alpha', (o) => nightnessHistogram(img(), o)],
  ['selectByHistogram', 'alpha', (o) => selectByHistogram([], o)],
];

const conv = () => tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' });
const modelCases: Case[] = [
  ['unetGenerator', 'inChannels', (o) => unetGenerator(o)],
  ['unet', 'inChannels', (o) => unet(o)],
  ['resnetGenerator', 'inChannels', (o) => resnetGenerator(o)],
  ['patchGanDiscriminator', 'inChannels', (o) => patchGanDiscriminator(o)],
  ['snPatchGanDiscriminator', 'inChannels', (o) => snPatchGanDiscriminator(o)],
  ['multiScaleDiscriminator', 'inChannels', (o) => multiScaleDiscriminator(o)],
  ['resnetBackbone', 'depth', (o) => resnetBackbone(o)],
  ['fpnSegmenter', 'numClasses', (o) => fpnSegmenter(o)],
  ['unitTranslator', 'inChannelsA', (o) => unitTranslator(o)],
  ['initWeights', 'seed', (o) => initWeights(null as never, o)],
  ['vgg19Features', 'layers', (o) => vgg19Features(o)],
  ['loadTorchWeights', 'prefix', (o) => loadTorchWeights(null as never, new Uint8Array(0), o)],
  ['loadTorchStateDict', 'prefix', (o) => loadTorchStateDict(null as never, new Map(), o)],
  ['InstanceNormalization', 'affine', (o) => new InstanceNormalization(o)],
  ['GroupNormalization', 'groups', (o) => new GroupNormalization(o)],
  ['ReflectionPadding2D', 'padding', (o) => new ReflectionPadding2D(o)],
  ['SpectralNormalization', 'layer', (o) => new SpectralNormalization({ layer: conv(), ...(o as object) })],
  ['BilinearUpsample2D', 'scale', (o) => new BilinearUpsample2D(o)],
  ['ExclusiveAvgPool2D', 'poolSize', (o) => new ExclusiveAvgPool2D(o)],
  ['NanMaxPooling2D', 'poolSize', (o) => new NanMaxPooling2D(o)],
  ['InputCheck', 'channels', (o) => new InputCheck({ channels: 3, ...(o as object) })],
  ['NanReLU', 'name', (o) => new NanReLU(o)],
  ['registerTrainingKernels', 'threads', (o) => registerTrainingKernels(o)],
];

describe('data, models and backend reject misspelled option keys', () => {
  for (const [label, key, call] of [...dataCases, ...modelCases]) {
    it(`${label}({ ${typo(key)} }) names the key and suggests "${key}"`, async () => {
      const bad = typo(key);
      const e = await errorOf(() => call({ [bad]: 1 } as never));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e!.message).toContain(`invalid ${label}: options.${bad}:`);
      expect(e!.message).toContain(`did you mean "${key}"`);
      expect(e!.message).toContain(`one of the option keys ${key}`);
    });
  }

  it('nested option objects are checked too, labelled with their path', async () => {
    const cases: [() => unknown, string][] = [
      [() => toNight(img(), { noise: { shoot: 0.01 } as never }), 'invalid toNight: options.noise.shoot: expected one of the option keys shot, read'],
      [() => syntheticStreetScenes({ fog: { bta: 0.01 } as never }), 'invalid syntheticStreetScenes: options.fog.bta: expected one of the option keys beta, airlight'],
      [() => syntheticStreetScenes({ night: { exposre: 0.1 } as never }), 'invalid syntheticStreetScenes: options.night.exposre:'],
      [() => syntheticStreetScenes({ degradation: { kind: 'blur', level: 1, levle: 2 } as never }), 'invalid syntheticStreetScenes: options.degradation.levle:'],
      [() => pairedFolderDataset({ image: '/nonexistent' }, { labels: { convrt: 'raw' } as never }), 'invalid pairedFolderDataset: options.labels.convrt:'],
      [() => degrade(img(), 'fog', 1, { dpth: depth() } as never), 'invalid degrade: extras.dpth: expected one of the option keys depth, emission, labels, seed, range'],
    ];
    for (const [run, message] of cases) {
      const e = await errorOf(run);
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e!.message).toContain(message);
    }
  });

  it('a non-object options argument is rejected with the function name', async () => {
    expect((await errorOf(() => gaussianBlur(img(), 2 as never)))!.message).toContain('invalid gaussianBlur: options: expected an options object');
    expect((await errorOf(() => unet('big' as never)))!.message).toContain('invalid unet: options: expected an options object');
  });
});

describe('value errors are labelled "<fn>: options.<key>" or "<fn>: <argument>"', () => {
  it('model builders', () => {
    expect(() => unetGenerator({ ngf: 0 })).toThrow(/^segaware: invalid unetGenerator: options\.ngf: expected an integer ≥ 1, received 0$/);
    expect(() => unet({ numClasses: 1.5 })).toThrow(/invalid unet: options\.numClasses: expected an integer ≥ 1, received 1\.5/);
    expect(() => snPatchGanDiscriminator({ kernelSize: 4 })).toThrow(/invalid snPatchGanDiscriminator: options\.kernelSize: expected an odd integer, received 4/);
    expect(() => new GroupNormalization({ groups: 0 })).toThrow(/invalid GroupNormalization: options\.groups: expected a positive integer, received 0/);
  });

  it('data functions and dataset methods', async () => {
    expect(() => addFog(img(), depth(), { seed: 'abc' as never })).toThrow(/invalid addFog: options\.seed: expected a finite number/);
    await expect(degrade(img(), 'rain' as never, 1)).rejects.toThrow(/invalid degrade: kind: expected one of blur/);
    await expect(ds().batchAt(-1)).rejects.toThrow(/invalid Dataset\.batchAt: step: expected an integer ≥ 0, received -1/);
    await expect(writeImage('x.tiff', img())).rejects.toThrow(/invalid writeImage: path: expected a file name ending in \.png/);
    expect(() => colorize(new Uint8Array(1), { ids: 'color' as never })).toThrow(/invalid colorize: options\.ids: /);
  });
});

describe('custom layers still load from a saved model (the config keys pass the check)', () => {
  it('save → tf.loadLayersModel round trip with every custom layer', async () => {
    const input = tfl.input({ shape: [8, 8, 3] });
    let x = new InputCheck({ channels: 3, multiple: 2, model: 'roundTrip' }).apply(input) as tfl.SymbolicTensor;
    x = new ReflectionPadding2D({ padding: 1 }).apply(x) as tfl.SymbolicTensor;
    x = new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 4, kernelSize: 3 }) }).apply(x) as tfl.SymbolicTensor;
    x = new InstanceNormalization({ affine: true }).apply(x) as tfl.SymbolicTensor;
    x = new GroupNormalization({ groups: 2 }).apply(x) as tfl.SymbolicTensor;
    x = new NanReLU().apply(x) as tfl.SymbolicTensor;
    x = new NanMaxPooling2D({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = new ExclusiveAvgPool2D().apply(x) as tfl.SymbolicTensor;
    x = new BilinearUpsample2D({ scale: 2 }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: x });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const probe = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 7);
    const [a, b] = [model.predict(probe) as tf.Tensor, loaded.predict(probe) as tf.Tensor];
    expect(b.shape).toEqual([1, 4, 4, 4]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([probe, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
