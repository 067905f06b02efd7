import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../src/tf.js';
import { initBackend, BACKEND_ORDER } from '../src/backend/index.js';
import { InvalidArgumentError } from '../src/errors.js';

afterEach(() => {
  delete process.env.SEGAWARE_BACKEND;
});

describe('initBackend', () => {
  it('tries the backends in order and says why each faster one was skipped', async () => {
    const choice = await initBackend({ quiet: true });
    if (choice.adapter && !choice.adapter.software) {
      // a machine with a real GPU: webgpu wins after the two tfjs-node packages
      expect(choice.name).toBe('webgpu');
      expect(choice.skipped.map((s) => s.name)).toEqual(['node-gpu', 'node']);
      await initBackend({ prefer: 'wasm', quiet: true });
      return;
    }
    // tfjs-node(-gpu) cannot be installed here and WebGPU has at most a software adapter: wasm wins
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['node-gpu', 'node', 'webgpu']);
    expect(choice.skipped[0]!.reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(choice.skipped[1]!.reason).toMatch(/tfjs-node is not installed/);
    expect(choice.skipped[2]!.reason).toMatch(/webgpu|WebGPU|^software adapter \(\w+\): slower than wasm$/);
    expect(choice.notice).toMatch(/^segaware: using the wasm backend, 1 thread \(skipped node-gpu: .*\)$/);
    expect(choice.trainingKernels?.wasm).toContain('Conv2DBackpropFilter');
  });

  it('honours prefer', async () => {
    const choice = await initBackend({ prefer: ['cpu'], quiet: true });
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.skipped).toEqual([]);
    await initBackend({ prefer: 'wasm', quiet: true });
  });

  it('SEGAWARE_BACKEND overrides prefer', async () => {
    process.env.SEGAWARE_BACKEND = 'node, cpu';
    const choice = await initBackend({ prefer: 'wasm', quiet: true });
    expect(choice.name).toBe('cpu');
    expect(choice.skipped).toEqual([{ name: 'node', reason: '@tensorflow/tfjs-node is not installed' }]);
    expect(choice.notice).toContain('from SEGAWARE_BACKEND');
    delete process.env.SEGAWARE_BACKEND;
    await initBackend({ prefer: 'wasm', quiet: true });
  });

  it('rejects unknown backend names, naming the argument, the choices and the value', async () => {
    const err = await initBackend({ prefer: ['nope' as never] }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe(`segaware: invalid initBackend: options.prefer: expected backend names from ${BACKEND_ORDER.join(', ')}, received "nope"`);
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/invalid initBackend: options.threads: expected a positive integer, received 0/);
    process.env.SEGAWARE_BACKEND = 'tpu';
    await expect(initBackend()).rejects.toThrow(/invalid SEGAWARE_BACKEND: .* received "tpu"/);
  });

  it('fails with every reason when no requested backend starts', async () => {
    await expect(initBackend({ prefer: ['node-gpu', 'node'], quiet: true })).rejects.toThrow(
      /no backend could be started from prefer \[node-gpu, node\]: node-gpu: .*not installed; node: .*not installed/,
    );
    await initBackend({ prefer: 'wasm', quiet: true });
  });

  it('removes the process listeners the wasm glue installs', () => {
    // emscripten's handlers rethrow and print the whole minified wasm glue on any error
    const src = process.listeners('uncaughtException').map((l) => l.toString()).join('\n');
    expect(src).not.toMatch(/ExitStatus/);
  });
});

describe('initBackend and the WebGPU adapter (stubbed navigator.gpu)', () => {
  type Nav = { gpu?: unknown };
  const g = globalThis as unknown as { navigator?: Nav };
  let saved: PropertyDescriptor | undefined;
  let requested: unknown[] = [];

  /** Installs a navigator.gpu whose only adapter is `info` (null: none). */
  function stubGpu(adapter: object | null): void {
    saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    requested = [];
    const gpu = {
      requestAdapter: async (opts: unknown) => {
        requested.push(opts);
        return adapter;
      },
    };
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    // tfjs warns with a stack when the fake adapter cannot start its backend
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  }
  afterEach(async () => {
    vi.restoreAllMocks();
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete g.navigator;
    saved = undefined;
    if (tf.getBackend() !== 'wasm') await initBackend({ prefer: 'wasm', quiet: true });
  });

  const llvmpipe = {
    info: {
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
      isFallbackAdapter: true,
    },
  };

  it('skips a software adapter in the automatic order, saying why, and reports it', async () => {
    stubGpu(llvmpipe);
    const choice = await initBackend({ quiet: true });
    expect(requested).toEqual([{ powerPreference: 'high-performance' }]);
    expect(choice.name).toBe('wasm');
    expect(choice.skipped[2]).toEqual({ name: 'webgpu', reason: 'software adapter (llvmpipe): slower than wasm' });
    expect(choice.adapter).toEqual({
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
      software: true,
    });
    expect(choice.notice).toContain('webgpu: software adapter (llvmpipe): slower than wasm');
  });

  it('recognises software adapters by name, by fallback flag and through requestAdapterInfo()', async () => {
    stubGpu({ requestAdapterInfo: async () => ({ vendor: 'google', architecture: '', device: 'SwiftShader Device (Subzero)', description: '' }) });
    let choice = await initBackend({ quiet: true });
    expect(choice.skipped[2]!.reason).toBe('software adapter (swiftshader): slower than wasm');
    expect(choice.adapter).toMatchObject({ vendor: 'google', software: true });
    stubGpu({ isFallbackAdapter: true, info: { vendor: 'acme', architecture: 'x', device: 'd', description: 'Acme Fallback' } });
    choice = await initBackend({ quiet: true });
    expect(choice.skipped[2]!.reason).toBe('software adapter (Acme Fallback): slower than wasm');
  });

  it('uses a software adapter when webgpu is forced (prefer or SEGAWARE_BACKEND)', async () => {
    // the fake adapter cannot make a device, so the backend fails one step later: past the software check
    stubGpu(llvmpipe);
    let choice = await initBackend({ prefer: ['webgpu', 'wasm'], quiet: true });
    expect(choice.name).toBe('wasm');
    expect(choice.skipped).toHaveLength(1);
    expect(choice.skipped[0]!.name).toBe('webgpu');
    expect(choice.skipped[0]!.reason).not.toMatch(/software adapter/);
    expect(choice.adapter?.software).toBe(true);
    process.env.SEGAWARE_BACKEND = 'webgpu,cpu';
    choice = await initBackend({ quiet: true });
    expect(choice.name).toBe('cpu');
    expect(choice.skipped[0]!.reason).not.toMatch(/software adapter/);
  });

  it('reports a hardware adapter and tries it in the automatic order', async () => {
    stubGpu({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA H200' } });
    const choice = await initBackend({ prefer: ['webgpu', 'wasm'], quiet: true });
    expect(choice.adapter).toEqual({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA H200', software: false });
    const auto = await initBackend({ quiet: true });
    // not skipped for being software: it got as far as starting the backend
    expect(auto.skipped.find((s) => s.name === 'webgpu')!.reason).not.toMatch(/software adapter/);
  });

  it('says so when there is no adapter, and reports none', async () => {
    stubGpu(null);
    const choice = await initBackend({ quiet: true });
    expect(choice.skipped[2]).toEqual({ name: 'webgpu', reason: 'no WebGPU adapter on this machine' });
    expect(choice.adapter).toBeNull();
  });
});

describe('threaded wasm', () => {
  it('starts XNNPACK with 2 threads in a fresh process, computes correctly and lets the process exit', async () => {
    const { spawnSync } = await import('node:child_process');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'segaware-threads-'));
    const script = join(dir, 'threads.mts');
    writeFileSync(
      script,
      `import { initBackend, tf } from ${JSON.stringify(join(process.cwd(), 'src/index.ts'))};
const c = await initBackend({ prefer: 'wasm', threads: 2, quiet: true });
const x = tf.randomNormal([1, 32, 32, 64], 0, 1, 'float32', 1);
const w = tf.randomNormal([3, 3, 64, 64], 0, 1, 'float32', 2);
const y = tf.conv2d(x, w, 1, 'same').dataSync();
await tf.setBackend('cpu');
const r = tf.conv2d(tf.tensor(x.dataSync(), x.shape), tf.tensor(w.dataSync(), w.shape), 1, 'same').dataSync();
let err = 0; for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i] - r[i]));
console.log(JSON.stringify({ threads: c.trainingKernels.wasmThreads.threads, err }));
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SEGAWARE_WASM_THREADS: '' } });
    expect(r.status, r.stderr).toBe(0); // a hang (pool threads keeping Node alive) would time out
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.threads).toBe(2);
    expect(out.err).toBeLessThan(1e-3);
  });
});
