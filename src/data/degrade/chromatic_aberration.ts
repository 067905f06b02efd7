/** Lateral chromatic aberration (the cooperative paper's "CA" degradation). */
import { InvalidArgumentError } from '../../errors.js';
import type { ImageRaster } from '../raster.js';
import { checkDegradeOptions, mapImages } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

function shiftChannel(r: ImageRaster, out: Float32Array, c: number, dx: number, dy: number): void {
  const { height: H, width: W, channels: C } = r;
  for (let y = 0; y < H; y++) {
    const sy = Math.min(H - 1, Math.max(0, y - dy));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(W - 1, Math.max(0, x - dx));
      out[(y * W + x) * C + c] = r.data[(sy * W + sx) * C + c]!;
    }
  }
}

/**
 * Mutual shift of the red and blue channels: red moves `red` pixels right and
 * down, blue moves `blue` pixels left and up (integer shifts, edge pixels
 * replicated), green stays. The paper gives only the shift sizes — R ∈ {2, 6,
 * 10, 14}, B ∈ {1, 3, 5, 7} — so the diagonal, opposite directions are our choice.
 *
 * @example const ca = chromaticAberration(image, { red: 6, blue: 3 });
 */
export function chromaticAberration<T extends ImageLike>(image: T, options: DegradeCommonOptions & { red: number; blue: number }): T {
  checkDegradeOptions('chromaticAberration', options, ['red', 'blue']);
  for (const k of ['red', 'blue'] as const) {
    const v = options?.[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw new InvalidArgumentError(`chromaticAberration: options.${k}`, 'a non-negative integer shift in pixels', v);
  }
  return mapImages('chromaticAberration', image, options, (r) => {
    if (r.channels < 3) throw new InvalidArgumentError('chromaticAberration: image', 'an RGB image (3 channels)', `${r.channels} channel(s)`);
    const out = r.data.slice();
    shiftChannel(r, out, 0, options.red, options.red);
    shiftChannel(r, out, 2, -options.blue, -options.blue);
    return { ...r, data: out };
  });
}
