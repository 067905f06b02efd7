/**
 * The host SSIM kernel: one fused pass per channel with separable filtering through a
 * ring buffer of filtered rows (float64 arithmetic, no intermediate full-size maps).
 * Free of tfjs so worker threads can load it cheaply.
 */
import { checkSsimImageSize } from './options.js';
import type { SsimCoreOptions } from './options.js';

/** Per-channel SSIM and contrast-structure means of one image. */
export interface HostSsimChannel {
  ssim: number;
  cs: number;
}

/**
 * SSIM of one interleaved `H×W×C` image pair (`a`, `b` read at `offset`), per channel:
 * the means of the SSIM and cs maps. `o.padding`: 'valid' | 'reflect' | 'zero' (see {@link ssim}).
 *
 * @example ssimHostImage(a, b, 0, h, w, 3, resolveSsimOptions('ssimHost', { dataRange: 1 })) // 3 × { ssim, cs }
 */
export function ssimHostImage(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  offset: number,
  h: number,
  w: number,
  c: number,
  o: SsimCoreOptions,
): HostSsimChannel[] {
  const k = o.window.length;
  const pad = o.padding === 'valid' ? 0 : (k - 1) / 2;
  const ho = h + 2 * pad - k + 1;
  const wo = w + 2 * pad - k + 1;
  const sums = ssimHostSums(a, b, offset, h, w, c, o, 0, Math.max(ho, 0));
  return Array.from({ length: c }, (_, ch) => ({ ssim: sums[2 * ch]! / (ho * wo), cs: sums[2 * ch + 1]! / (ho * wo) }));
}

/**
 * Sums of the SSIM and cs maps over output rows `[row0, row1)`, per channel
 * (`[ssim_0, cs_0, ssim_1, cs_1, …]`); bands of rows can be computed independently.
 * The window must be symmetric (Gaussian and uniform windows are): taps are paired.
 *
 * @example ssimHostSums(a, b, 0, h, w, c, core, 0, 10) // the first 10 output rows (a worker's band)
 */
export function ssimHostSums(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  offset: number,
  h: number,
  w: number,
  c: number,
  o: SsimCoreOptions,
  row0: number,
  row1: number,
): Float64Array {
  const k = o.window.length;
  const r = (k - 1) / 2;
  const pad = o.padding === 'valid' ? 0 : r;
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  checkSsimImageSize('images', h, w, o); // (the callers check first, with their own labels)
  const wo = wp - k + 1;
  const g = o.window;
  const c1 = (o.k1 * o.dataRange) ** 2;
  const c2 = (o.k2 * o.dataRange) ** 2;
  const cn = o.covNorm;
  const px = new Float64Array(wp);
  const py = new Float64Array(wp);
  // four maps suffice: x, y, x² + y² (SSIM only needs σx² + σy²) and xy
  const ring = Array.from({ length: 4 }, () => new Float64Array(k * wo));
  const [rx, ry, rss, rxy] = ring as [Float64Array, Float64Array, Float64Array, Float64Array];
  const pss = new Float64Array(wp);
  const pxy = new Float64Array(wp);
  const slots = new Int32Array(k);
  const gc = g[r]!;
  const srcIndex = (i: number, n: number): number => {
    // padded coordinate → source coordinate (−1 = zero)
    const s = i - pad;
    if (s >= 0 && s < n) return s;
    if (o.padding === 'zero') return -1;
    return s < 0 ? -s : 2 * (n - 1) - s;
  };
  const colSrc = new Int32Array(wp);
  for (let j = 0; j < wp; j++) colSrc[j] = srcIndex(j, w);
  const out = new Float64Array(2 * c);
  const rowEnd = Math.min(hp, row1 + k - 1);
  for (let ch = 0; ch < c; ch++) {
    let sumS = 0;
    let sumCs = 0;
    for (let row = row0; row < rowEnd; row++) {
      const sr = srcIndex(row, h);
      if (sr < 0) {
        px.fill(0);
        py.fill(0);
      } else {
        const base = offset + sr * w * c + ch;
        for (let j = 0; j < wp; j++) {
          const s = colSrc[j]!;
          if (s < 0) {
            px[j] = 0;
            py[j] = 0;
          } else {
            px[j] = a[base + s * c]!;
            py[j] = b[base + s * c]!;
          }
        }
      }
      // products of the row, then the horizontal pass (symmetric window: paired taps) into the ring slot
      for (let j = 0; j < wp; j++) {
        const xa = px[j]!;
        const yb = py[j]!;
        pss[j] = xa * xa + yb * yb;
        pxy[j] = xa * yb;
      }
      const slot = ((row - row0) % k) * wo;
      for (let j = 0; j < wo; j++) {
        const e = j + k - 1;
        let sx = gc * px[j + r]!;
        let sy = gc * py[j + r]!;
        let sss = gc * pss[j + r]!;
        let sxy = gc * pxy[j + r]!;
        for (let t = 0; t < r; t++) {
          const gv = g[t]!;
          sx += gv * (px[j + t]! + px[e - t]!);
          sy += gv * (py[j + t]! + py[e - t]!);
          sss += gv * (pss[j + t]! + pss[e - t]!);
          sxy += gv * (pxy[j + t]! + pxy[e - t]!);
        }
        rx[slot + j] = sx;
        ry[slot + j] = sy;
        rss[slot + j] = sss;
        rxy[slot + j] = sxy;
      }
      if (row - row0 < k - 1) continue;
      // vertical pass for output row (row − k + 1): symmetric taps over the ring slots
      const first = row - k + 1;
      for (let t = 0; t < k; t++) slots[t] = ((first - row0 + t) % k) * wo;
      const sc = slots[r]!;
      let rowS = 0;
      let rowCs = 0;
      for (let j = 0; j < wo; j++) {
        let mx = gc * rx[sc + j]!;
        let my = gc * ry[sc + j]!;
        let ess = gc * rss[sc + j]!;
        let exy = gc * rxy[sc + j]!;
        for (let t = 0; t < r; t++) {
          const gv = g[t]!;
          const s0 = slots[t]! + j;
          const s1 = slots[k - 1 - t]! + j;
          mx += gv * (rx[s0]! + rx[s1]!);
          my += gv * (ry[s0]! + ry[s1]!);
          ess += gv * (rss[s0]! + rss[s1]!);
          exy += gv * (rxy[s0]! + rxy[s1]!);
        }
        const mx2 = mx * mx;
        const my2 = my * my;
        const mxy = mx * my;
        const vsum = cn * (ess - mx2 - my2); // σx² + σy²
        const sxy = cn * (exy - mxy);
        const cs = (2 * sxy + c2) / (vsum + c2);
        rowCs += cs;
        rowS += ((2 * mxy + c1) / (mx2 + my2 + c1)) * cs;
      }
      sumS += rowS;
      sumCs += rowCs;
    }
    out[2 * ch] = sumS;
    out[2 * ch + 1] = sumCs;
  }
  return out;
}
