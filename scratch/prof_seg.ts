import { initBackend, unet, tf, crossEntropyLoss, optimizerStep, initWeights } from '../src/index.js';
const be = await initBackend({ prefer: (process.env.BE as any) ?? 'wasm' });
const seg = unet({ numClasses: 19, baseFilters: 16, depth: 3, batchNorm: true, activation: 'linear' });
initWeights(seg, { type: 'kaiming' });
const opt = tf.train.adam(1e-3);
const x = tf.randomNormal([4, 64, 128, 3]); const y = tf.randomUniform([4, 64, 128], 0, 19, 'int32');
for (let i = 0; i < 6; i++) { const t = performance.now(); await optimizerStep(opt, [seg], () => crossEntropyLoss(seg.apply(x, { training: true }) as any, y)); console.log('step', (performance.now() - t).toFixed(0)); }
const prof = await tf.profile(async () => { await optimizerStep(opt, [seg], () => crossEntropyLoss(seg.apply(x, { training: true }) as any, y)); });
const agg: Record<string, [number, number]> = {};
for (const k of prof.kernels) { const a = (agg[k.name] ??= [0, 0]); a[0] += k.kernelTimeMs as number; a[1]++; }
console.log(Object.entries(agg).sort((a, b) => b[1][0] - a[1][0]).slice(0, 15).map(([n, [t, c]]) => `${n} ${t.toFixed(1)}ms x${c}`).join('\n'));
for (let i = 0; i < 3; i++) { const t = performance.now(); await optimizerStep(opt, [seg], () => crossEntropyLoss(seg.apply(x, { training: true }) as any, y)); console.log('step', (performance.now() - t).toFixed(0)); }
const prof2 = await tf.profile(async () => { await optimizerStep(opt, [seg], () => crossEntropyLoss(seg.apply(x, { training: true }) as any, y)); });
for (const k of prof2.kernels) if (k.name.startsWith('Conv2DBack') || k.name === 'SplitV' || k.name === 'Slice') console.log(k.name, (k.kernelTimeMs as number).toFixed(1), JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes));
{ const t = performance.now(); const p = await tf.profile(async () => { await optimizerStep(opt, [seg], () => crossEntropyLoss(seg.apply(x, { training: true }) as any, y)); }); const tot = p.kernels.reduce((a, k) => a + (k.kernelTimeMs as number), 0); console.log('wall', (performance.now() - t).toFixed(0), 'kernel sum', tot.toFixed(0), 'n kernels', p.kernels.length); }
