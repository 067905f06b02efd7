/**
 * The page's two networks — a dehazer and a frozen segmenter — loaded with tf.io from a
 * models folder (manifest.ts) on a URL or picked from disk. Custom layers (instance norm)
 * deserialize because segaware registers them when its models module is imported.
 *
 * @example
 * const models = await loadModelsFromUrl('/models/'); // what `npm run demo` exported
 * models.dehazer.predict(hazy);
 */
import { tf, tfl } from '../../../src/core.js';
import { MANIFEST_FILE, parseManifest, type WebModelsManifest } from './manifest.js';

/** A dehazer + segmenter pair and how to feed them. */
export interface WebModels extends Omit<WebModelsManifest, 'format' | 'dehazer' | 'segmenter'> {
  dehazer: tfl.LayersModel;
  segmenter: tfl.LayersModel;
}

/** Frees both networks' weights. */
export function disposeModels(m: WebModels | null): void {
  m?.dehazer.dispose();
  m?.segmenter.dispose();
}

/**
 * Loads `manifest.json` and both models from `base` (a folder URL, absolute or relative
 * to the page, e.g. `/models/` or `https://host/web-models/`).
 */
export async function loadModelsFromUrl(base: string): Promise<WebModels> {
  const root = new URL(base.endsWith('/') ? base : `${base}/`, location.href);
  const manifestUrl = new URL(MANIFEST_FILE, root).href;
  const res = await fetch(manifestUrl);
  if (!res.ok) throw new Error(`${manifestUrl}: HTTP ${res.status} (expected the manifest written by \`npm run demo\` to runs/demo/web-models/)`);
  const m = parseManifest(await res.json(), manifestUrl);
  const [dehazer, segmenter] = await Promise.all([
    tfl.loadLayersModel(new URL(m.dehazer, root).href),
    tfl.loadLayersModel(new URL(m.segmenter, root).href),
  ]);
  return withModels(m, dehazer, segmenter);
}

/**
 * Loads a models folder picked with `<input type="file" webkitdirectory>`: the manifest
 * and, for each model.json it names, the weight files listed in that model.json, looked
 * up next to it (both models' weights are called `weights.bin`, so matching is per folder).
 */
export async function loadModelsFromFiles(files: ArrayLike<File>): Promise<WebModels> {
  const byPath = new Map<string, File>();
  for (const f of Array.from(files)) byPath.set(f.webkitRelativePath || f.name, f);
  const manifestPath = [...byPath.keys()].filter((p) => p.split('/').pop() === MANIFEST_FILE).sort((a, b) => a.length - b.length)[0];
  if (!manifestPath) throw new Error(`the picked folder has no ${MANIFEST_FILE} (pick the web-models folder that \`npm run demo\` writes)`);
  const dir = manifestPath.slice(0, manifestPath.length - MANIFEST_FILE.length);
  const m = parseManifest(JSON.parse(await byPath.get(manifestPath)!.text()), manifestPath);
  const load = async (rel: string): Promise<tfl.LayersModel> => {
    const jsonPath = joinPath(dir, rel);
    const json = byPath.get(jsonPath);
    if (!json) throw new Error(`${manifestPath} names ${rel}, which is not in the picked folder`);
    const modelDir = jsonPath.slice(0, jsonPath.lastIndexOf('/') + 1);
    const manifest = (JSON.parse(await json.text()) as { weightsManifest?: { paths: string[] }[] }).weightsManifest ?? [];
    const weights = manifest.flatMap((g) => g.paths).map((p) => {
      const f = byPath.get(joinPath(modelDir, p));
      if (!f) throw new Error(`${jsonPath} needs ${p}, which is not in the picked folder`);
      return f;
    });
    return tfl.loadLayersModel(tf.io.browserFiles([json, ...weights]));
  };
  const [dehazer, segmenter] = await Promise.all([load(m.dehazer), load(m.segmenter)]);
  return withModels(m, dehazer, segmenter);
}

/** `dir` + a relative path with `./` and `../` segments resolved (picked files have no URL to resolve against). */
function joinPath(dir: string, rel: string): string {
  const out: string[] = [];
  for (const part of `${dir}${rel}`.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

function withModels(m: WebModelsManifest, dehazer: tfl.LayersModel, segmenter: tfl.LayersModel): WebModels {
  const { format: _f, dehazer: _d, segmenter: _s, ...rest } = m;
  segmenter.trainable = false;
  return { ...rest, dehazer, segmenter };
}
