/**
 * Asynchronous read-backs for the examples' evaluation and reporting paths.
 *
 * GPU backends cannot read a tensor synchronously in Node (webgpu's `dataSync`
 * needs an OffscreenCanvas) and, where they can, a synchronous read stalls the
 * device. The metrics and image writers accept host arrays, so the examples read
 * each tensor once with `await t.data()` and hand over `{ data, shape }` or a
 * raster. On cpu/wasm the values are the very same float32/int32 words the
 * library's own `dataSync` would have read, so every score stays bit-identical.
 */
import { tensorToRasterAsync, tf, type GridCell } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';

/** Host copy of a float32 tensor, in the `{ data, shape }` form the image metrics take. */
export async function hostImage(t: Tensor): Promise<{ data: Float32Array; shape: number[] }> {
  return { data: (await t.data()) as Float32Array, shape: [...t.shape] };
}

/** Host copy of an int32 label tensor, in the `{ data, shape }` form the segmentation metrics take. */
export async function hostLabels(t: Tensor): Promise<{ data: Int32Array; shape: number[] }> {
  // (a float tensor gives float data here, which the metrics reject by name, as they reject the tensor)
  return { data: (await t.data()) as Int32Array, shape: [...t.shape] };
}

/** The grid's tensor cells read into rasters (captions and kinds kept); other cells unchanged. */
export async function hostGridRows(rows: GridCell[][]): Promise<GridCell[][]> {
  return Promise.all(
    rows.map((row) =>
      Promise.all(
        row.map(async (c): Promise<GridCell> => {
          if (c instanceof tf.Tensor) return tensorToRasterAsync(c);
          if (c && typeof c === 'object' && 'image' in c && c.image instanceof tf.Tensor) return { ...c, image: await tensorToRasterAsync(c.image) };
          return c;
        }),
      ),
    ),
  );
}
