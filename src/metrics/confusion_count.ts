/**
 * The uint8 confusion-count kernel (free of tfjs so worker threads can load it).
 */

/**
 * uint8 × uint8 loop through two 256-entry tables into four interleaved sub-histograms
 * (breaks the store→load dependency of consecutive equal pixels). Rows K and K+1 of each
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
  const end4 = start + ((end - start) & ~3);
  let i = start;
  for (; i < end4; i += 4) {
    h[row[t[i]!]! + col[p[i]!]!]!++;
    h[s1 + row[t[i + 1]!]! + col[p[i + 1]!]!]!++;
    h[s2 + row[t[i + 2]!]! + col[p[i + 2]!]!]!++;
    h[s3 + row[t[i + 3]!]! + col[p[i + 3]!]!]!++;
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
