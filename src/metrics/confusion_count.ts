/**
 * The uint8 confusion-count kernel (free of tfjs so worker threads can load it).
 */

/**
 * uint8 × uint8 loop through two 256-entry tables into four interleaved sub-histograms
 * (breaks the store→load dependency of consecutive equal pixels), reading four pixels per
 * 32-bit load when both arrays are equally aligned. Rows K and K+1 of each
 * sub-histogram collect ignored and invalid targets. Returns the index of the first
 * invalid target or −1. Adds into `local` (K×(K+1), column K = predictions outside [0,K)).
 */
export function countConfusionU8(
  local: Uint32Array,
  p: Uint8Array,
  t: Uint8Array,
  start: number,
  end: number,
  k: number,
  ignoreIndex: number,
  dropInvalidTargets: boolean,
): number {
  const w = k + 1;
  const size = (k + 2) * w;
  const row = new Int32Array(256);
  const col = new Int32Array(256);
  for (let v = 0; v < 256; v++) {
    row[v] = v < k ? v * w : v === ignoreIndex || dropInvalidTargets ? k * w : (k + 1) * w;
    col[v] = v < k ? v : k;
  }
  const h = new Uint32Array(4 * size);
  const s1 = size;
  const s2 = 2 * size;
  const s3 = 3 * size;
  let i = start;
  // head pixels until the target is 4-byte aligned
  while (i < end && (t.byteOffset + i) % 4 !== 0) {
    h[row[t[i]!]! + col[p[i]!]!]!++;
    i++;
  }
  const words = (end - i) >> 2;
  if (words > 0 && (p.byteOffset + i) % 4 === 0) {
    // four pixels per 32-bit load of each array; each byte lane has its own sub-histogram
    // (lanes are summed, so the platform's byte order does not matter)
    const t32 = new Uint32Array(t.buffer, t.byteOffset + i, words);
    const p32 = new Uint32Array(p.buffer, p.byteOffset + i, words);
    for (let q = 0; q < words; q++) {
      const tv = t32[q]!;
      const pv = p32[q]!;
      h[row[tv & 255]! + col[pv & 255]!]!++;
      h[s1 + row[(tv >>> 8) & 255]! + col[(pv >>> 8) & 255]!]!++;
      h[s2 + row[(tv >>> 16) & 255]! + col[(pv >>> 16) & 255]!]!++;
      h[s3 + row[tv >>> 24]! + col[pv >>> 24]!]!++;
    }
    i += words * 4;
  } else {
    const end4 = i + ((end - i) & ~3);
    for (; i < end4; i += 4) {
      h[row[t[i]!]! + col[p[i]!]!]!++;
      h[s1 + row[t[i + 1]!]! + col[p[i + 1]!]!]!++;
      h[s2 + row[t[i + 2]!]! + col[p[i + 2]!]!]!++;
      h[s3 + row[t[i + 3]!]! + col[p[i + 3]!]!]!++;
    }
  }
  for (; i < end; i++) h[row[t[i]!]! + col[p[i]!]!]!++;
  let invalid = 0;
  for (let j = (k + 1) * w; j < size; j++) invalid += h[j]! + h[s1 + j]! + h[s2 + j]! + h[s3 + j]!;
  if (invalid > 0) {
    for (let j = start; j < end; j++) if (row[t[j]!] === (k + 1) * w) return j;
  }
  const n = k * w;
  for (let j = 0; j < n; j++) local[j]! += h[j]! + h[s1 + j]! + h[s2 + j]! + h[s3 + j]!;
  return -1;
}
