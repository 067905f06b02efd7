/**
 * Turning image files, encoded bytes or raw pixels into `data:` URIs, so a
 * report's HTML embeds its images and stays a single self-contained file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ReportImageSource, ReportRawImage } from './report_types.js';

/** MIME type of encoded image bytes from their magic number, or `null` if not PNG/JPEG/WebP/GIF. */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif' | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) {
    return 'image/webp';
  }
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  return null;
}

function isRaw(x: unknown): x is ReportRawImage {
  return x != null && typeof x === 'object' && !(x instanceof Uint8Array) && 'data' in x && 'width' in x && 'height' in x;
}

async function encodePng(input: Uint8Array, raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  const img = raw ? sharp(Buffer.from(input.buffer, input.byteOffset, input.byteLength), { raw }) : sharp(Buffer.from(input));
  return new Uint8Array(await img.png().toBuffer());
}

/**
 * Encodes `src` as a `data:<mime>;base64,…` URI.
 *
 * - file path or bytes of a PNG/JPEG/WebP/GIF: embedded unchanged;
 * - other bytes/files sharp can read (TIFF, AVIF…): converted to PNG;
 * - {@link ReportRawImage} (8-bit HWC, 1–4 channels): encoded to PNG with sharp.
 *
 * @throws NotFoundError for a missing file; InvalidArgumentError for anything else unusable.
 * @example
 * const uri = await imageDataUri('out/samples/step-200.png'); // "data:image/png;base64,iVBOR…"
 */
export async function imageDataUri(src: ReportImageSource, name = 'src'): Promise<string> {
  let bytes: Uint8Array;
  if (typeof src === 'string') {
    if (!existsSync(src)) throw new NotFoundError(`segaware: image not found: ${src} (${name})`);
    bytes = new Uint8Array(readFileSync(src));
  } else if (src instanceof Uint8Array) {
    bytes = src;
  } else if (isRaw(src)) {
    const { data, width, height, channels } = src;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      throw new InvalidArgumentError(`${name}.data`, 'a Uint8Array of 8-bit pixels', data);
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new InvalidArgumentError(`${name}.width/height`, 'positive integers', [width, height]);
    }
    if (![1, 2, 3, 4].includes(channels)) throw new InvalidArgumentError(`${name}.channels`, '1, 2, 3 or 4', channels);
    if (data.length !== width * height * channels) {
      throw new InvalidArgumentError(`${name}.data`, `${width}×${height}×${channels} = ${width * height * channels} bytes`, `${data.length} bytes`);
    }
    const png = await encodePng(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { width, height, channels });
    return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  } else {
    throw new InvalidArgumentError(name, 'a file path, encoded image bytes or { data, width, height, channels }', src);
  }
  let mime = sniffImageType(bytes);
  if (mime === null) {
    try {
      bytes = await encodePng(bytes);
    } catch (e) {
      throw new InvalidArgumentError(name, 'an image file or encoded image bytes', typeof src === 'string' ? src : `${bytes.length} bytes`, String((e as Error).message ?? e));
    }
    mime = 'image/png';
  }
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
