/**
 * Convolution forward + backward (input and filter gradients) on wasm and cpu
 * with segaware's training kernels, against PyTorch CPU (2 threads) in the
 * same run. `npm run bench -- conv`
 */
import { tf } from '../src/tf.js';
import { initBackend } from '../src/backend/index.js';
import { CONV_CASES, padOf, type ConvCase } from './_conv_cases.js';
import { BENCH_THREADS, bestMs, printTable, runPython } from './_util.js';


async function timeCase(c: ConvCase): Promise<{ forward: number; backward: number }> {
  const x = tf.randomNormal([c.n, c.h, c.w, c.cin]) as tf.Tensor4D;
  // tfjs filters: conv [k,k,in,out]; transposed conv [k,k,out,in]
  const w = tf.variable(tf.randomNormal(c.transposed ? [c.k, c.k, c.cout, c.cin] : [c.k, c.k, c.cin, c.cout]) as tf.Tensor4D);
  const forward = (input: tf.Tensor4D, filter: tf.Tensor4D = w as tf.Tensor4D) =>
    c.transposed
      ? tf.conv2dTranspose(input, filter, [c.n, c.h * c.s, c.w * c.s, c.cout], c.s, padOf(c.p))
      : tf.conv2d(input, filter, c.s, padOf(c.p));
  const y0 = forward(x);
  const g = tf.randomNormal(y0.shape);
  y0.dispose();
  const fwd = await bestMs(() => {
    const y = forward(x);
    y.dataSync();
    y.dispose();
  });
  const fb = await bestMs(() => {
    // dy = g is handed to autograd directly, as PyTorch's y.backward(g): no extra elementwise ops
    const gs = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => forward(xx as tf.Tensor4D, ww as tf.Tensor4D))([x, w], g);
    for (const t of gs) t.dataSync();
    tf.dispose(gs);
  }, 3);
  tf.dispose([x, w, g]);
  return { forward: fwd, backward: Math.max(fb - fwd, 0) };
}

async function main(): Promise<void> {
  const torch = runPython<Record<string, { forward_ms: number; backward_ms: number }>>('bench/conv_torch.py', [String(BENCH_THREADS)]);
  const rows: (string | number)[][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ prefer: backend, threads: BENCH_THREADS, quiet: true });
    for (const c of CONV_CASES) {
      const t = await timeCase(c);
      const ref = torch?.[c.name];
      const total = t.forward + t.backward;
      const refTotal = ref ? ref.forward_ms + ref.backward_ms : NaN;
      rows.push([
        backend,
        c.name,
        t.forward,
        t.backward,
        ref ? ref.forward_ms : '–',
        ref ? ref.backward_ms : '–',
        ref ? `${(t.forward / ref.forward_ms).toFixed(1)}×` : '–',
        ref ? `${(t.backward / Math.max(ref.backward_ms, 1e-3)).toFixed(1)}×` : '–',
        ref ? `${(total / refTotal).toFixed(1)}×` : '–',
      ]);
    }
  }
  console.log(`\nConvolution forward + backward, ms (best of runs); ratio = segaware / PyTorch CPU, ${BENCH_THREADS} threads each\n`);
  printTable(['backend', 'layer', 'fwd', 'bwd', 'torch fwd', 'torch bwd', 'fwd ratio', 'bwd ratio', 'total ratio'], rows);
}

await main();
