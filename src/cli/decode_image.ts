/**
 * Minimal image decoding for the command line (sharp, no resampling): 8-bit or
 * 16-bit raw pixels with their size. (The data area's `readImage` will replace it.)
 */
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { NotFoundError } from '../errors.js';
import { ImageTooLargeError, maxPixelsOption } from '../data/image_io.js';

/** Decoded pixels, interleaved HWC. */
export interface DecodedImage {
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  channels: number;
  /** 255 or 65535 */
  maxValue: number;
}

/**
 * Decodes `path` to raw pixels. `mode: 'label'` keeps only the first channel (label and
 * instance maps; 16-bit PNGs stay 16-bit; palette PNGs are expanded to colours by sharp,
 * so store label maps as greyscale); `mode: 'image'` drops alpha.
 *
 * @throws ImageTooLargeError when the header declares more than `maxPixels` (default 8192²) pixels.
 */
export async function decodeImage(path: string, mode: 'label' | 'image', maxPixels?: number): Promise<DecodedImage> {
  const limit = maxPixelsOption({ maxPixels });
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new NotFoundError(`segaware: cannot read image ${path}: ${(err as Error).message}`);
  }
  // from the header alone: a small file can declare a huge image
  if (meta.width !== undefined && meta.height !== undefined && meta.width * meta.height > limit) {
    throw new ImageTooLargeError(path, meta.width, meta.height, limit);
  }
  const sixteen = meta.depth === 'ushort' || meta.depth === 'short';
  let pipe = sharp(path, { limitInputPixels: false });
  if (mode === 'image') pipe = pipe.removeAlpha();
  else if (sixteen) pipe = pipe.toColourspace('grey16'); // keeps 16-bit ids (instanceIds) exact
  else if ((meta.channels ?? 1) > 1 && !meta.isPalette) pipe = pipe.extractChannel(0);
  const { data, info } = await pipe.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  const px = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let out: Uint8Array | Uint16Array = px;
  let channels = info.channels;
  if (mode === 'label' && channels > 1) {
    // palette PNGs expand to colours: keep the first channel
    const n = info.width * info.height;
    out = sixteen ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = px[i * channels]!;
    channels = 1;
  }
  return { data: out, width: info.width, height: info.height, channels, maxValue: sixteen ? 65535 : 255 };
}
