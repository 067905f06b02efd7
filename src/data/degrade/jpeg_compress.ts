/** JPEG compression artefacts (the cooperative paper's "JPEG" degradation). */
import sharp from 'sharp';
import { InvalidArgumentError } from '../../errors.js';
import { tf } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { encodeRasterAs } from '../image_io.js';
import type { ImageRaster } from '../raster.js';
import { checkDegradeOptions, mapImages } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

async function jpegRoundTrip(r: ImageRaster, quality: number): Promise<ImageRaster> {
  // JPEG stores 8-bit samples: clamping to [0,1] is part of the degradation
  const buf = await encodeRasterAs('jpegCompress', r, 'jpeg', { quality, clip: true });
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(r.data.length);
  const c = info.channels;
  for (let i = 0; i < r.height * r.width; i++) for (let k = 0; k < r.channels; k++) out[i * r.channels + k] = data[i * c + Math.min(k, c - 1)]! / 255;
  return { ...r, data: out };
}

/**
 * Encodes to JPEG at `quality` (libjpeg quantisation tables scaled by the IJG
 * quality factor, 4:2:0 chroma) and decodes back — asynchronous because it
 * goes through `sharp`. Cooperative-paper levels: quality ∈ {43, 12, 7, 4}.
 *
 * @example const jpeg = await jpegCompress(image, { quality: 12 });
 */
export async function jpegCompress<T extends ImageLike>(image: T, options: DegradeCommonOptions & { quality: number }): Promise<T> {
  checkDegradeOptions('jpegCompress', options, ['quality']);
  const q = options?.quality;
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new InvalidArgumentError('jpegCompress: options.quality', 'an integer in [1, 100]', q);
  // decode asynchronously per image, then assemble synchronously through mapImages
  const results: ImageRaster[] = [];
  const collect = mapImages('jpegCompress', image, options, (r) => {
    results.push({ ...r, data: r.data.slice() });
    return r;
  });
  if (collect instanceof tf.Tensor) (collect as Tensor).dispose();
  const done = await Promise.all(results.map((r) => jpegRoundTrip(r, q)));
  let k = 0;
  return mapImages('jpegCompress', image, options, () => done[k++]!);
}
