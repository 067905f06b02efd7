import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRoadUnet, type RoadUnetOptions } from '../examples/road-unet/run_road_unet.js';
import { RunLog, fileSystemIO } from '../src/index.js';
import { tfl } from '../src/tf.js';
import { flatWeights } from './helpers/tiny_net.js';
import { tinyRunOptions } from './helpers/tiny_run.js';

const base = (out: string): RoadUnetOptions => ({
  ...tinyRunOptions(out, 3),
  steps: 6,
  testCount: 3,
  baseFilters: 4,
  depth: 2,
});

describe('examples/road-unet', () => {
  it('trains, evaluates and writes its report; tensors stay constant step to step', async () => {
    const out = mkdtempSync(join(tmpdir(), 'road-'));
    const r = await runRoadUnet(base(out));
    for (const f of ['report.html', 'summary.json', 'report.md', 'predictions.png', 'logs/unet.jsonl', 'models/road_unet/model.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.dice).toBeGreaterThanOrEqual(0);
    expect(r.dice).toBeLessThanOrEqual(1);
    expect(r.iou).toBeLessThanOrEqual(r.dice + 1e-12); // IoU ≤ Dice always
    expect(r.table).toContain('U-Net + Dice loss');
    const counts = RunLog.read(join(out, 'logs', 'unet.jsonl')).map((e) => e.numTensors as number);
    expect(counts).toHaveLength(6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.summary?.dice ?? summary.dice).toBeCloseTo(r.dice, 10);
    r.model.dispose();
  });

  it('a run stopped after step 3 and resumed reaches the uninterrupted weights', async () => {
    const a = mkdtempSync(join(tmpdir(), 'road-a-'));
    const b = mkdtempSync(join(tmpdir(), 'road-b-'));
    const straight = await runRoadUnet(base(a));
    await expect(runRoadUnet({ ...base(b), stopAfter: 3 })).rejects.toThrow(/stopped after step 3/);
    const resumed = await runRoadUnet({ ...base(b), resume: true });
    expect(resumed.phase.startStep).toBe(2); // the checkpoint before the stop
    const wa = flatWeights(straight.model);
    const wb = flatWeights(resumed.model);
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i]! - wb[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    straight.model.dispose();
    resumed.model.dispose();
  });

  it('the CLI killed with SIGKILL mid-run resumes with --resume to the same final weights', async () => {
    const out = mkdtempSync(join(tmpdir(), 'road-kill-'));
    const args = ['tsx', 'examples/road-unet/main.ts', '--size', '32x64', '--steps', '10', '--batch', '2', '--checkpoint-every', '2', '--train-count', '6', '--test-count', '3', '--base-filters', '4', '--depth', '2', '--seed', '3', '--backend', 'wasm', '--out', out];
    const env = { ...process.env, SEGAWARE_QUIET: '1' };
    await new Promise<void>((resolve, reject) => {
      const child = spawn('npx', args, { env, stdio: 'ignore' });
      const timer = setInterval(() => {
        const latest = join(out, 'ckpt', 'unet', 'latest.json');
        if (existsSync(latest) && JSON.parse(readFileSync(latest, 'utf8')).step >= 4) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('exit', (code, signal) => {
        clearInterval(timer);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`the run ended before it could be killed (code ${code})`));
      });
    });
    await new Promise<void>((resolve, reject) => {
      const child = spawn('npx', [...args, '--resume'], { env, stdio: 'ignore' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`resume exited with ${code}`))));
    });
    const straight = await runRoadUnet({ ...base(mkdtempSync(join(tmpdir(), 'road-s-'))), steps: 10 });
    const saved = await tfl.loadLayersModel(fileSystemIO(join(out, 'models', 'road_unet')));
    const wa = flatWeights(straight.model);
    const wb = flatWeights(saved);
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i]! - wb[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    straight.model.dispose();
    saved.dispose();
  });
});
