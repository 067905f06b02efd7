/**
 * Procedural image pairs shared with scripts/gen_metrics_fixtures.py (same integer arithmetic):
 * a_u8 = (3x + 2y + 40c + (h1 % 64)) % 256, b_u8 = clip(a_u8 + (h2 % 32) − 16, 0, 255),
 * pixels = float32(u8 / 255) · scale.
 */
const P = 1000003;

function hashNoise(b: number, y: number, x: number, c: number, seed: number): number {
  const v = (y * 7919 + x * 104729 + c * 1299709 + (seed + 17 * b) * 15485863) % P;
  return (v * v) % P;
}

/** Returns the NHWC pair `[a, b]` as Float32Arrays. */
export function makePair(shape: number[], seed: number, scale = 1): [Float32Array, Float32Array] {
  const [n, h, w, ch] = shape as [number, number, number, number];
  const a = new Float32Array(n * h * w * ch);
  const b = new Float32Array(n * h * w * ch);
  let i = 0;
  for (let bi = 0; bi < n; bi++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < ch; c++, i++) {
          const au = (3 * x + 2 * y + 40 * c + (hashNoise(bi, y, x, c, seed) % 64)) % 256;
          const bu = Math.min(255, Math.max(0, au + (hashNoise(bi, y, x, c, seed + 1) % 32) - 16));
          a[i] = Math.fround(Math.fround(au / 255) * Math.fround(scale));
          b[i] = Math.fround(Math.fround(bu / 255) * Math.fround(scale));
        }
  return [a, b];
}
