/**
 * The folder of models the page loads: `manifest.json` next to one tf.io model folder per
 * network. `npm run demo` writes it to `runs/demo/web-models/` (examples/web/node/export_models.ts);
 * the page reads it from a URL (`?models=/models/`) or from a folder picked on disk.
 *
 * ```
 * web-models/
 *   manifest.json            { format, height, width, numClasses, fog, dehazer, segmenter, source }
 *   dehazer/model.json       + weights.bin   (pix2pix U-Net, [-1,1] in and out)
 *   segmenter/model.json     + weights.bin   (U-Net, [-1,1] in, logits [N,H,W,K] out)
 * ```
 *
 * @example
 * const m = parseManifest(await (await fetch('/models/manifest.json')).json(), '/models/manifest.json');
 * m.height; // 64 for the demo's models
 */

/** File name of the manifest inside the models folder. */
export const MANIFEST_FILE = 'manifest.json';
/** Format tag; bumped when the layout changes so an old page refuses a new folder by name. */
export const MANIFEST_FORMAT = 'segaware-web-models/1';

/** What `manifest.json` holds. */
export interface WebModelsManifest {
  format: typeof MANIFEST_FORMAT;
  /** size the models run at; the dehazer needs multiples of 2^numDowns, so the page resizes inputs to it */
  height: number;
  width: number;
  /** classes of the segmenter's logits (19: Cityscapes trainIds) */
  numClasses: number;
  /** fog the page adds to synthetic scenes: the middle of the range the dehazer was trained on */
  fog: { beta: number; airlight: number };
  /** model.json paths, relative to the manifest */
  dehazer: string;
  segmenter: string;
  /** one line saying where the models come from (shown on the page) */
  source: string;
}

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const unit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Checks a parsed manifest; the error names the file and the field that is wrong. */
export function parseManifest(json: unknown, where: string): WebModelsManifest {
  const m = json as Partial<WebModelsManifest> | null;
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${where}: ${field} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (m == null || typeof m !== 'object') fail('the manifest', 'a JSON object', m);
  if (m!.format !== MANIFEST_FORMAT) fail('format', `"${MANIFEST_FORMAT}"`, m!.format);
  for (const k of ['height', 'width', 'numClasses'] as const) if (!positiveInt(m![k])) fail(k, 'a positive integer', m![k]);
  if (!m!.fog || typeof m!.fog.beta !== 'number' || m!.fog.beta < 0 || !unit(m!.fog.airlight)) fail('fog', '{ beta ≥ 0, airlight in [0,1] }', m!.fog);
  for (const k of ['dehazer', 'segmenter'] as const) if (typeof m![k] !== 'string' || !m![k]) fail(k, 'a relative path to model.json', m![k]);
  return { ...m, source: typeof m!.source === 'string' ? m!.source : 'unknown source' } as WebModelsManifest;
}
