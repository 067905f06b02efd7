/**
 * sharp as the JPEG codec of {@link jpegCompress} (Node). Importing this module registers it:
 * the data face for Node (`src/data/index.ts`) and the command line import it.
 */
import sharp from 'sharp';
import { encodeRasterAs } from '../image_io.js';
import type { ImageRaster } from '../raster.js';
import { setJpegCodec } from './jpeg_codec.js';

/** libjpeg through sharp: encode at `quality`, decode, back to `[0,1]`. */
export async function sharpJpegRoundTrip(r: ImageRaster, quality: number): Promise<ImageRaster> {
  // JPEG stores 8-bit samples: clamping to [0,1] is part of the degradation
  const buf = await encodeRasterAs('jpegCompress', r, 'jpeg', { quality, clip: true });
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(r.data.length);
  const c = info.channels;
  for (let i = 0; i < r.height * r.width; i++) for (let k = 0; k < r.channels; k++) out[i * r.channels + k] = data[i * c + Math.min(k, c - 1)]! / 255;
  return { ...r, data: out };
}

setJpegCodec(sharpJpegRoundTrip);
