/**
 * The page: starts a backend, gets a dehazer + segmenter (from `?models=`, a picked folder,
 * or trained here), dehazes a synthetic foggy scene or a dropped photo, and shows images,
 * segmentations and PSNR / SSIM / mIoU. URL parameters (all optional):
 *
 * - `models=/models/`   a models folder (manifest.json + tf.io models; `npm run demo` writes one)
 * - `backend=webgl`     force a backend (`webgpu`, `webgl`, `wasm`, `cpu`; a comma list is tried in order)
 * - `seed=1000003`      synthetic scene seed; `beta=0.02` fog β
 * - `train=40`          steps per network when training here
 *
 * When done it sets `window.__segaware_result` (the end-to-end test reads it).
 */
import { tf } from '../../../src/core.js';
import { startBackend } from './backend.js';
import { imageFileInput, sceneInput, type PageInput } from './inputs.js';
import { disposeModels, loadModelsFromFiles, loadModelsFromUrl, type WebModels } from './models.js';
import { ROWS, runPipeline, type PipelineResult } from './pipeline.js';
import { trainTinyPair } from './train_tiny.js';
import { showResult } from './view.js';

/** What the page publishes for tests and the console. */
export interface PageResult {
  ok: boolean;
  error?: string;
  backend?: string;
  models?: string;
  input?: string;
  height?: number;
  width?: number;
  metrics?: Record<string, { psnr: number | null; ssim: number | null; meanIoU: number | null; pixelAccuracy: number | null }>;
  segmentations?: Record<string, Int32Array>;
  ms?: PipelineResult['ms'] & { backend: number; models: number };
}

declare global {
  interface Window {
    __segaware_result?: PageResult;
  }
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const status = (text: string): void => void ($('status').textContent = text);
const progress = $<HTMLProgressElement>('progress');

let models: WebModels | null = null;
let backend = '';
/** the photo on show, if any: re-decoded at the new models' size when the models change */
let lastFile: File | null = null;
const ms = { backend: 0, models: 0 };

/** Runs `task`, reporting errors on the page and in `window.__segaware_result`. */
async function guarded(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    status(`error: ${message}`);
    console.error(err);
    window.__segaware_result = { ok: false, error: message, backend };
  }
}

async function useModels(load: () => Promise<WebModels>, what: string): Promise<void> {
  status(`${what}…`);
  const t0 = performance.now();
  const next = await load();
  ms.models = performance.now() - t0;
  disposeModels(models);
  models = next;
  $('models-info').textContent = `${next.source} · ${next.height}×${next.width} · ${next.numClasses} classes`;
  // the models' fog unless the URL asked for another β
  $<HTMLInputElement>('beta').value = params.get('beta') ?? String(next.fog.beta);
  await show(lastFile ? await imageFileInput(lastFile, next.height, next.width) : currentScene());
}

async function trainHere(): Promise<void> {
  const steps = Number(params.get('train') ?? 40);
  progress.hidden = false;
  try {
    await useModels(
      () =>
        trainTinyPair({
          steps,
          onProgress: (p) => {
            progress.value = ((p.phase === 'dehazer' ? steps : 0) + p.step) / (2 * steps);
            status(`training the ${p.phase} in the page: step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}`);
          },
        }),
      'training a tiny pair',
    );
  } finally {
    progress.hidden = true;
  }
}

function currentScene(): PageInput {
  const m = models!;
  return sceneInput({ seed: Number($<HTMLInputElement>('seed').value), beta: Number($<HTMLInputElement>('beta').value), airlight: m.fog.airlight, height: m.height, width: m.width });
}

async function show(input: PageInput): Promise<void> {
  if (!models) return;
  status(`running on ${input.name}…`);
  const r = await runPipeline(models, input);
  showResult($('grid'), $('metrics').querySelector('tbody')!, r);
  $('timing').textContent = `models ${ms.models.toFixed(0)} ms, inference ${r.ms.inference.toFixed(0)} ms, metrics ${r.ms.metrics.toFixed(0)} ms`;
  $('note').textContent = input.clear ? '' : 'a photo has no clear image or labels: only its dehazed image and segmentations are shown';
  status(`${input.name} — ${models.source}`);
  const pick = <K extends 'psnr' | 'ssim' | 'meanIoU' | 'pixelAccuracy'>(row: (typeof ROWS)[number], k: K) => r.rows[row]?.[k] ?? null;
  window.__segaware_result = {
    ok: true,
    backend,
    models: models.source,
    input: input.name,
    height: r.height,
    width: r.width,
    metrics: Object.fromEntries(ROWS.filter((row) => r.rows[row]).map((row) => [row, { psnr: pick(row, 'psnr'), ssim: pick(row, 'ssim'), meanIoU: pick(row, 'meanIoU'), pixelAccuracy: pick(row, 'pixelAccuracy') }])),
    segmentations: Object.fromEntries(ROWS.filter((row) => r.rows[row]).map((row) => [row, r.rows[row]!.segmentation])),
    ms: { ...r.ms, ...ms },
  };
}

async function openFile(file: File | undefined): Promise<void> {
  if (!file) return;
  lastFile = file; // shown once models are there if they are not yet
  if (!models) return;
  await show(await imageFileInput(file, models.height, models.width));
}

function wire(): void {
  $('models-load').onclick = () => guarded(() => useModels(() => loadModelsFromUrl($<HTMLInputElement>('models-url').value || '/models/'), 'loading models'));
  $<HTMLInputElement>('models-folder').onchange = (e) => guarded(() => useModels(() => loadModelsFromFiles((e.target as HTMLInputElement).files ?? []), 'loading the picked models'));
  $('models-train').onclick = () => guarded(trainHere);
  $('scene').onclick = () => guarded(async () => {
    lastFile = null;
    await show(currentScene());
  });
  $<HTMLInputElement>('image').onchange = (e) => guarded(() => openFile((e.target as HTMLInputElement).files?.[0]));
  const drop = $('drop');
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  };
  drop.ondragleave = () => drop.classList.remove('dragging');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    void guarded(() => openFile(e.dataTransfer?.files[0]));
  };
}

wire();
void guarded(async () => {
  if (params.has('seed')) $<HTMLInputElement>('seed').value = params.get('seed')!;
  status('starting a TensorFlow.js backend…');
  const t0 = performance.now();
  backend = await startBackend(params.get('backend'));
  ms.backend = performance.now() - t0;
  $('backend').textContent = `${backend} (tfjs ${tf.version_core})`;
  const url = params.get('models');
  if (url) {
    $<HTMLInputElement>('models-url').value = url;
    await useModels(() => loadModelsFromUrl(url), `loading models from ${url}`);
  } else {
    await trainHere();
  }
});
