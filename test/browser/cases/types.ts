/**
 * What a browser fixture case is. A case names one vector of numbers that segaware computes
 * (in the page, on some backend) and the committed reference it must equal. The page runs
 * {@link FixtureCase.compute}; Node reads {@link FixtureCase.expected} and compares — so the
 * references never pass through the browser, and this module imports segaware for types only.
 */
import type * as Core from '../../../src/core.js';

/** The platform-neutral segaware entry, as the page bundle sees it. */
export type Lib = typeof Core;

/** The committed fixtures the cases read (`test/fixtures/*.json`), trimmed to what they use. */
export interface Fixtures {
  /** `losses.json` */
  losses: any;
  /** `losses_vgg.json` → `gram` (Gram matrices need features only, no VGG weights) */
  gram: { features: number[]; shape: [number, number, number, number]; value: number[] };
  /** `metrics_images.json` */
  metricsImages: { cases: ImageCase[] };
  /** `metrics_confusion.json` */
  metricsConfusion: { cases: ConfusionCase[] };
}

/** One `metrics_images.json` case (see `test/metrics_images.test.ts`). */
export interface ImageCase {
  name: 'psnr' | 'ssim' | 'msSsim';
  shape: number[];
  seed: number;
  scale: number;
  dataRange: number;
  options: Record<string, unknown>;
  expected: number[];
}

/** One `metrics_confusion.json` case (see `test/metrics_confusion.test.ts`). */
export interface ConfusionCase {
  name: string;
  numClasses: number;
  shape: number[];
  target: number[];
  pred: number[];
  expected: {
    matrix: number[][];
    pixelAccuracy: number;
    meanAccuracy: number;
    meanIoU: number;
    fwIoU: number;
    accuracy: (number | null)[];
    iou: (number | null)[];
    dice: (number | null)[];
  };
}

/** One reference comparison. */
export interface FixtureCase {
  /** Unique, human-readable: the test name. */
  name: string;
  /** The Node test's tolerance: max |actual − expected| ≤ rtol · max |expected| (NaN and ±∞ must match exactly). */
  rtol: number;
  /** A looser tolerance on webgl, only where its float32 shader arithmetic demands it. */
  webglRtol?: number;
  /** The committed reference values (read in Node). */
  expected: (fx: Fixtures) => number[];
  /** Computes the values with segaware on the current backend (runs in the page). */
  compute: (lib: Lib, fx: Fixtures) => number[];
}
