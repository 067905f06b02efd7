/** JPEG compression artefacts (the cooperative paper's "JPEG" degradation). */
import { InvalidArgumentError } from '../../errors.js';
import { tf } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import type { ImageRaster } from '../raster.js';
import { jpegCodec } from './jpeg_codec.js';
import { checkDegradeOptions, mapImages } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

/**
 * Encodes to JPEG at `quality` (libjpeg quantisation tables scaled by the IJG
 * quality factor, 4:2:0 chroma) and decodes back — asynchronous because it
 * goes through a codec: `sharp` in Node, an `OffscreenCanvas` in a browser (see
 * `./jpeg_codec.ts`). Cooperative-paper levels: quality ∈ {43, 12, 7, 4}.
 *
 * @example const jpeg = await jpegCompress(image, { quality: 12 });
 */
export async function jpegCompress<T extends ImageLike>(image: T, options: DegradeCommonOptions & { quality: number }): Promise<T> {
  checkDegradeOptions('jpegCompress', options, ['quality']);
  const q = options?.quality;
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new InvalidArgumentError('jpegCompress: options.quality', 'an integer in [1, 100]', q);
  const roundTrip = jpegCodec();
  // decode asynchronously per image, then assemble synchronously through mapImages
  const results: ImageRaster[] = [];
  const collect = mapImages('jpegCompress', image, options, (r) => {
    results.push({ ...r, data: r.data.slice() });
    return r;
  });
  if (collect instanceof tf.Tensor) (collect as Tensor).dispose();
  const done = await Promise.all(results.map((r) => roundTrip(r, q)));
  let k = 0;
  return mapImages('jpegCompress', image, options, () => done[k++]!);
}
