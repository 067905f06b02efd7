/**
 * GPU benchmark: segaware on WebGPU (Dawn) against PyTorch on the same
 * machine, in one run. Cases: the four convolution rows of `bench/conv.ts`
 * (forward, backward), a pix2pix training step (U-Net 256 + 70×70 PatchGAN,
 * Adam, LSGAN + 100·L1) at 256² with batch 1 and batch 16, the perceptual loss
 * (VGG-19 conv5_4) forward + backward at 1×256×256, and SSIM on 1024×2048×3.
 *
 * PyTorch runs first (`bench/gpu_torch.py`, CUDA when torch sees a GPU, else
 * CPU — the table header says which), then segaware on webgpu; the two never
 * share the GPU. Every timing is the median of N runs after warm-up runs, and
 * every segaware run ends with `await data()` on its results: the GPU queue is
 * drained, and no synchronous read-back (which does not work on webgpu in
 * Node) is used.
 *
 * `npm run bench:gpu -- [--tiny] [--out results.json] [--reps N]`; the bundle
 * from `scripts/gpu-bundle.sh` runs the same code against the built `dist/`.
 * `--tiny` shrinks every case so it finishes in a minute or two on a software
 * adapter (a functional check, not a speed figure).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, patchGanDiscriminator, perceptualLoss, ssim, tf, unetGenerator, vgg19Features } from '../src/index.js';
import type { Tensor, Tensor4D } from '../src/index.js';
import { pix2pixStep } from './_pix2pix.js';
import { CONV_CASES, padOf, type ConvCase } from './_conv_cases.js';


/** Everything both sides run; handed to the Python reference as JSON so the cases are defined once. */
interface Spec {
  tiny: boolean;
  reps: number;
  warmup: number;
  conv: ConvCase[];
  pix2pix: { size: number; numDowns: number; ngf: number; ndf: number; batches: number[] };
  perceptual: { size: number };
  ssim: { h: number; w: number; c: number };
}

/** The Python reference's answer (one JSON line). */
interface TorchResult {
  device: string;
  device_name: string;
  torch: string;
  cudnn_benchmark: boolean;
  cases: Record<string, number>;
  note?: string;
}

interface Row {
  case: string;
  segaware_ms: number;
  torch_ms: number | null;
  ratio: number | null;
}

const FULL_CONV = CONV_CASES;

// Same layer shapes with an eighth of the pixels and channels: every kernel path runs, in seconds on a CPU rasteriser.
const TINY_CONV: ConvCase[] = [
  { name: 'conv k4 s2 3->16 1x32x32', transposed: false, n: 1, h: 32, w: 32, cin: 3, cout: 16, k: 4, s: 2, p: 1 },
  { name: 'conv k3 s1 16->16 2x32x32', transposed: false, n: 2, h: 32, w: 32, cin: 16, cout: 16, k: 3, s: 1, p: 1 },
  { name: 'conv k4 s2 32->64 1x8x8', transposed: false, n: 1, h: 8, w: 8, cin: 32, cout: 64, k: 4, s: 2, p: 1 },
  { name: 'convT k4 s2 64->32 1x4x4', transposed: true, n: 1, h: 4, w: 4, cin: 64, cout: 32, k: 4, s: 2, p: 1 },
];

function makeSpec(tiny: boolean, reps?: number): Spec {
  return tiny
    ? {
        tiny,
        reps: reps ?? 3,
        warmup: 1,
        conv: TINY_CONV,
        pix2pix: { size: 32, numDowns: 5, ngf: 8, ndf: 8, batches: [1, 2] },
        perceptual: { size: 32 },
        ssim: { h: 64, w: 128, c: 3 },
      }
    : {
        tiny,
        reps: reps ?? 10,
        warmup: 3,
        conv: FULL_CONV,
        pix2pix: { size: 256, numDowns: 8, ngf: 64, ndf: 64, batches: [1, 16] },
        perceptual: { size: 256 },
        ssim: { h: 1024, w: 2048, c: 3 },
      };
}

const pix2pixName = (s: Spec, batch: number) =>
  `pix2pix step ${batch}x${s.pix2pix.size}x${s.pix2pix.size} (U-Net ${s.pix2pix.numDowns} downs ngf ${s.pix2pix.ngf} + PatchGAN, Adam)`;
const perceptualName = (s: Spec) => `perceptual loss conv5_4 fwd+bwd 1x${s.perceptual.size}x${s.perceptual.size}x3`;
const ssimName = (s: Spec) => `SSIM ${s.ssim.h}x${s.ssim.w}x${s.ssim.c}`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median wall time in ms of `reps` runs of `fn` after `warmup` runs (which compile the shaders). */
async function medianMs(fn: () => Promise<unknown>, reps: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Waits for every tensor's value on the host (the only read-back that works on webgpu in Node), then frees them. */
async function settle(ts: Tensor[]): Promise<void> {
  await Promise.all(ts.map((t) => t.data()));
  tf.dispose(ts);
}


async function timeConv(c: ConvCase, spec: Spec): Promise<{ fwd: number; bwd: number }> {
  const x = tf.randomNormal([c.n, c.h, c.w, c.cin]) as Tensor4D;
  // tfjs filters: conv [k,k,in,out]; transposed conv [k,k,out,in]
  const w = tf.variable(tf.randomNormal(c.transposed ? [c.k, c.k, c.cout, c.cin] : [c.k, c.k, c.cin, c.cout]) as Tensor4D);
  const forward = (input: Tensor4D, filter: Tensor4D = w as Tensor4D) =>
    c.transposed
      ? tf.conv2dTranspose(input, filter, [c.n, c.h * c.s, c.w * c.s, c.cout], c.s, padOf(c.p))
      : tf.conv2d(input, filter, c.s, padOf(c.p));
  const y0 = forward(x);
  const g = tf.randomNormal(y0.shape);
  y0.dispose();
  const fwd = await medianMs(() => settle([forward(x)]), spec.reps, spec.warmup);
  // dy = g goes to autograd directly, as PyTorch's y.backward(g)
  const grads = tf.grads((xx: Tensor, ww: Tensor) => forward(xx as Tensor4D, ww as Tensor4D));
  const fb = await medianMs(() => settle(grads([x, w], g)), spec.reps, spec.warmup);
  tf.dispose([x, w, g]);
  return { fwd, bwd: Math.max(fb - fwd, 0) };
}

/** The pix2pix step of `bench/models.ts` (one G forward; G update, then D on the kept fake), read back with `await data()`. */
async function timePix2pix(spec: Spec, batch: number): Promise<number> {
  const { size, numDowns, ngf, ndf } = spec.pix2pix;
  const g = unetGenerator({ numDowns, ngf });
  const d = patchGanDiscriminator({ inChannels: 6, ndf });
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const a = tf.randomUniform([batch, size, size, 3], -1, 1);
  const b = tf.randomUniform([batch, size, size, 3], -1, 1);
  const step = async () => {
    // the losses are computed after both updates were queued: reading them waits for the whole step
    await settle(pix2pixStep({ g, d, optG, optD, a, b }));
  };
  const ms = await medianMs(step, Math.max(3, Math.ceil(spec.reps / 2)), spec.warmup);
  g.dispose();
  d.dispose();
  optG.dispose();
  optD.dispose();
  tf.dispose([a, b]);
  return ms;
}

async function timePerceptual(spec: Spec): Promise<number> {
  const n = spec.perceptual.size;
  // random weights: the timing does not depend on them, and nothing has to be shipped
  const vgg = vgg19Features({ weights: 'random', layers: ['conv5_4'] });
  const x = tf.randomUniform([1, n, n, 3], -1, 1) as Tensor4D;
  const y = tf.randomUniform([1, n, n, 3], -1, 1) as Tensor4D;
  const grad = tf.grad((t: Tensor) => perceptualLoss(t as Tensor4D, y, { extractor: vgg }));
  const ms = await medianMs(() => settle([grad(x)]), spec.reps, spec.warmup);
  vgg.dispose();
  tf.dispose([x, y]);
  return ms;
}

async function timeSsim(spec: Spec): Promise<{ ms: number; value: number }> {
  const { h, w, c } = spec.ssim;
  const a = tf.randomUniform([1, h, w, c], 0, 1, 'float32', 1) as Tensor4D;
  const b = tf.tidy(() => tf.clipByValue(tf.add(a, tf.randomUniform([1, h, w, c], -0.04, 0.04, 'float32', 2)), 0, 1)) as Tensor4D;
  let value = NaN;
  const ms = await medianMs(
    async () => {
      const v = ssim(a, b, { dataRange: 1 });
      value = (await v.data())[0]!;
      v.dispose();
    },
    spec.reps,
    spec.warmup,
  );
  tf.dispose([a, b]);
  return { ms, value };
}

/** `SEGAWARE_PYTHON`, else the first of python3 on PATH and /usr/bin/python3 that imports torch. */
function findPython(): string | null {
  const candidates = process.env.SEGAWARE_PYTHON ? [process.env.SEGAWARE_PYTHON] : ['python3', '/usr/bin/python3', 'python'];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

function torchScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // in the repo: bench/gpu_torch.py next to this file; in the bundle: next to bench.mjs
  for (const p of [join(here, 'gpu_torch.py'), join(here, 'bench', 'gpu_torch.py')]) if (existsSync(p)) return p;
  throw new Error(`gpu_torch.py not found next to ${here}`);
}

function runTorch(spec: Spec, device: string): TorchResult | { error: string } {
  const py = findPython();
  if (!py) return { error: 'no python3 with torch found (set SEGAWARE_PYTHON)' };
  console.log(`PyTorch reference: ${py} ${torchScript()} (device ${device}) …`);
  const r = spawnSync(py, [torchScript(), '--device', device, '--spec', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) return { error: `gpu_torch.py exited with ${r.status ?? r.signal}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
  } catch {
    return { error: `gpu_torch.py printed no JSON: ${r.stdout.slice(-300)}` };
  }
}

function parseArgs(argv: string[]): { tiny: boolean; out: string | null; reps?: number; torchDevice: string } {
  const args = { tiny: false, out: null as string | null, reps: undefined as number | undefined, torchDevice: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--tiny') args.tiny = true;
    else if (a === '--out') args.out = argv[++i] ?? null;
    else if (a === '--reps') args.reps = Number(argv[++i]);
    else if (a === '--torch-device') args.torchDevice = argv[++i] ?? 'auto';
    else if (a === '--') continue;
    else if (a === '--help' || a === '-h') {
      console.log('usage: gpu bench [--tiny] [--out results.json] [--reps N] [--torch-device auto|cuda|cpu]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (args.reps !== undefined && !(Number.isInteger(args.reps) && args.reps > 0)) throw new Error('--reps: a positive integer');
  return args;
}

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const spec = makeSpec(args.tiny, args.reps);
  const started = Date.now();

  // PyTorch first, in its own process, so it has released the GPU before Dawn takes it
  const torch = runTorch(spec, args.torchDevice);
  const ref = 'error' in torch ? null : torch;
  if (!ref) console.log(`PyTorch reference unavailable: ${(torch as { error: string }).error}`);

  // whatever happens next, the reference numbers are kept in --out
  partial.out = args.out;
  partial.result = { date: new Date().toISOString(), tiny: spec.tiny, spec, torch: ref ?? torch };
  const choice = await initBackend({ prefer: 'webgpu' });
  const adapter = (choice as { adapter?: Record<string, unknown> | null }).adapter ?? null;
  const adapterLine = adapter
    ? `${adapter.vendor || '?'} / ${adapter.architecture || '?'} / ${adapter.device || adapter.description || '?'}${adapter.software ? ' (SOFTWARE adapter: a functional check, not a speed figure)' : ''}`
    : 'unknown';
  console.log(`segaware backend: ${choice.name}; adapter: ${adapterLine}`);
  if (adapter?.software && !spec.tiny && process.env.SEGAWARE_BENCH_ALLOW_SOFTWARE !== '1') {
    // the full sizes take hours on a CPU rasteriser: most likely the GPU's Vulkan driver was not found
    throw new Error(
      'only a software WebGPU adapter was found, so the full-size run would measure the CPU rasteriser for hours. ' +
        "Check the GPU's Vulkan driver (see run.sh's messages / docs/gpu.md), or run with --tiny, or set SEGAWARE_BENCH_ALLOW_SOFTWARE=1.",
    );
  }

  const rows: Row[] = [];
  const add = (name: string, ms: number) => {
    const t = ref?.cases[name];
    rows.push({ case: name, segaware_ms: ms, torch_ms: t ?? null, ratio: t ? ms / t : null });
    console.log(`  ${name}: ${fmt(ms)} ms${t ? ` (torch ${fmt(t)} ms)` : ''}`);
  };
  for (const c of spec.conv) {
    const t = await timeConv(c, spec);
    add(`${c.name} fwd`, t.fwd);
    add(`${c.name} bwd`, t.bwd);
  }
  for (const batch of spec.pix2pix.batches) add(pix2pixName(spec, batch), await timePix2pix(spec, batch));
  add(perceptualName(spec), await timePerceptual(spec));
  const s = await timeSsim(spec);
  add(ssimName(spec), s.ms);

  const refLabel = ref ? `PyTorch ${ref.torch} ${ref.device.toUpperCase()}${ref.device === 'cuda' ? ` (${ref.device_name})` : ` (NO CUDA: ${ref.note ?? 'torch sees no GPU'} — CPU reference)`}` : 'no PyTorch reference';
  console.log(`\n${spec.tiny ? 'TINY sizes (functional check). ' : ''}segaware ${choice.name} [${adapterLine}] vs ${refLabel}`);
  console.log(`ms, median of ${spec.reps} runs after ${spec.warmup} warm-up runs (pix2pix: ${Math.max(3, Math.ceil(spec.reps / 2))}); ratio = segaware / PyTorch\n`);
  console.log(`| case | segaware ${choice.name} ms | ${ref ? `PyTorch ${ref.device}` : 'PyTorch'} ms | ratio |`);
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.case} | ${fmt(r.segaware_ms)} | ${fmt(r.torch_ms)} | ${r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`} |`);

  const big = Math.max(...spec.pix2pix.batches);
  const target = rows.find((r) => r.case === pix2pixName(spec, big));
  const assessable = !spec.tiny && ref?.device === 'cuda' && !adapter?.software;
  const verdict =
    target?.ratio == null
      ? 'no ratio (reference missing)'
      : `${target.ratio.toFixed(2)}× — ${assessable ? (target.ratio <= 2 ? 'MET' : 'NOT MET') : 'not assessed (needs full sizes, a hardware adapter and PyTorch CUDA)'}`;
  console.log(`\nTarget (full sizes): pix2pix step at batch 16 ≤ 2× PyTorch CUDA. This run, batch ${big}: ${verdict}`);

  const result = {
    date: new Date().toISOString(),
    tiny: spec.tiny,
    spec,
    segaware: { backend: choice.name, adapter, notice: choice.notice, node: process.version, ssim: s.value },
    torch: ref ?? torch,
    rows,
    target: { case: target?.case ?? null, ratio: target?.ratio ?? null, limit: 2, assessable, met: assessable && target?.ratio != null ? target.ratio <= 2 : null },
    wall_s: (Date.now() - started) / 1000,
  };
  if (args.out) {
    writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
    console.log(`results: ${args.out}`);
  }
}

/** Set once the reference ran: what to write to --out if segaware's part fails. */
const partial: { out: string | null; result: Record<string, unknown> | null } = { out: null, result: null };

try {
  await main();
  // Dawn's device keeps the event loop alive; the results are written, so leave now
  process.exit(0);
} catch (err) {
  console.error(err);
  if (partial.out && partial.result) {
    writeFileSync(partial.out, JSON.stringify({ ...partial.result, error: String((err as Error)?.stack ?? err) }, null, 2) + '\n');
    console.error(`partial results (PyTorch reference and the error): ${partial.out}`);
  }
  process.exit(1);
}
