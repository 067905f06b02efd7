/**
 * Reads the committed fixtures the browser cases use (Node side), trimmed to what they read.
 * Plain `node:fs` on purpose: the test helpers would load tfjs into the test process, which
 * only drives Chromium.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Fixtures } from './cases/index.js';

const read = (name: string): any => JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8'));

/** `losses.json`, the Gram part of `losses_vgg.json`, `metrics_images.json`, `metrics_confusion.json`. */
export function loadBrowserFixtures(): Fixtures {
  return {
    losses: read('losses.json'),
    gram: read('losses_vgg.json').gram,
    metricsImages: read('metrics_images.json'),
    metricsConfusion: read('metrics_confusion.json'),
  };
}
