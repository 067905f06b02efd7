/**
 * Node side of the web page: writes a dehazer + segmenter pair as the models folder the page
 * loads (manifest.json + one tf.io folder per model; see ../src/manifest.ts). `npm run demo`
 * calls it after its evaluation, so `runs/demo/web-models/` holds the demo's DFS dehazer and
 * its segmenter; the end-to-end test calls it for its fixed-seed pair.
 *
 * @example
 * await exportWebModels('runs/demo/web-models', { dehazer, segmenter, height: 64, width: 128, numClasses: 19, fog: { beta: 0.02, airlight: 0.9 }, source: 'npm run demo' });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemIO } from '../../../src/index.js';
import type { tfl } from '../../../src/tf.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, type WebModelsManifest } from '../src/manifest.js';

/** What {@link exportWebModels} writes: the manifest's fields with the models themselves. */
export type WebModelsExport = Omit<WebModelsManifest, 'format' | 'dehazer' | 'segmenter'> & { dehazer: tfl.LayersModel; segmenter: tfl.LayersModel };

/** Saves both models under `dir` (`dehazer/`, `segmenter/`) and writes `dir/manifest.json`; returns the manifest path. */
export async function exportWebModels(dir: string, m: WebModelsExport): Promise<string> {
  await mkdir(dir, { recursive: true });
  await m.dehazer.save(fileSystemIO(join(dir, 'dehazer')));
  await m.segmenter.save(fileSystemIO(join(dir, 'segmenter')));
  const manifest: WebModelsManifest = {
    format: MANIFEST_FORMAT,
    height: m.height,
    width: m.width,
    numClasses: m.numClasses,
    fog: m.fog,
    dehazer: 'dehazer/model.json',
    segmenter: 'segmenter/model.json',
    source: m.source,
  };
  const path = join(dir, MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
