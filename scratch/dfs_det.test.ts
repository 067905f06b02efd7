import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { runDfs } from '../examples/dfs/run_dfs.js';
import { flatWeights } from '../test/helpers/tiny_net.js';
const tiny = (out: string): any => ({ size: [32, 64], steps: 4, segSteps: 3, batch: 2, out, resume: false, seed: 5, checkpointEvery: 2, sampleEvery: 0, trainCount: 6, testCount: 3, ngf: 4, segFilters: 4, quiet: true, backend: 'wasm' });
const d = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
it('det', async () => {
  const r1 = await runDfs(tiny(mkdtempSync(join(tmpdir(), 'x'))));
  for (const [phase, step] of [['dehaze', 2], ['dehaze', 3], ['dfs', 2], ['segmenter', 2]] as const) {
    const b = mkdtempSync(join(tmpdir(), 'y'));
    await runDfs({ ...tiny(b), stopAfter: { phase, step } }).catch(() => 0);
    const r2 = await runDfs({ ...tiny(b), resume: true });
    console.log(phase, step, 'seg', d(flatWeights(r1.models.segmenter), flatWeights(r2.models.segmenter)), 'dehaze', d(flatWeights(r1.models.dehaze), flatWeights(r2.models.dehaze)), 'dfs', d(flatWeights(r1.models.dfs), flatWeights(r2.models.dfs)));
  }
});
