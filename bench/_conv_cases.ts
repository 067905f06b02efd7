/** The four convolution rows `bench/conv.ts` (wasm/cpu) and `bench/gpu.ts` (webgpu) time against PyTorch. */

/** One convolution (or transposed convolution) layer: NHWC input, k×k kernel, stride s, symmetric padding p. */
export interface ConvCase {
  name: string;
  transposed: boolean;
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  s: number;
  p: number;
}

/** The layers of pix2pix / PatchGAN / U-Net that dominate their training steps. */
export const CONV_CASES: ConvCase[] = [
  { name: 'conv k4 s2 3->64 1x256x256', transposed: false, n: 1, h: 256, w: 256, cin: 3, cout: 64, k: 4, s: 2, p: 1 },
  { name: 'conv k3 s1 64->64 4x128x128', transposed: false, n: 4, h: 128, w: 128, cin: 64, cout: 64, k: 3, s: 1, p: 1 },
  { name: 'conv k4 s2 256->512 1x32x32', transposed: false, n: 1, h: 32, w: 32, cin: 256, cout: 512, k: 4, s: 2, p: 1 },
  { name: 'convT k4 s2 512->256 1x16x16', transposed: true, n: 1, h: 16, w: 16, cin: 512, cout: 256, k: 4, s: 2, p: 1 },
];

/** Explicit NHWC padding of `p` pixels on each side of H and W. */
export const padOf = (p: number) => [[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
