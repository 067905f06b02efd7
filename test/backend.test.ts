import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { initBackend, BACKEND_ORDER } from '../src/backend/index.js';
import { InvalidArgumentError } from '../src/errors.js';

afterEach(() => {
  delete process.env.SEGAWARE_BACKEND;
});

describe('initBackend', () => {
  it('tries the backends in order and says why each faster one was skipped', async () => {
    const choice = await initBackend({ quiet: true });
    // tfjs-node(-gpu) cannot be installed here and Node has no WebGPU adapter: wasm wins
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['node-gpu', 'node', 'webgpu']);
    expect(choice.skipped[0]!.reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(choice.skipped[1]!.reason).toMatch(/tfjs-node is not installed/);
    expect(choice.skipped[2]!.reason).toMatch(/webgpu|WebGPU/);
    expect(choice.notice).toMatch(/^segaware: using the wasm backend \(skipped node-gpu: .*\)$/);
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
    expect(err.message).toBe(`segaware: invalid prefer: expected backend names from ${BACKEND_ORDER.join(', ')}, received "nope"`);
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/invalid threads: expected a positive integer, received 0/);
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
