import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { unet } from '../src/models/index.js';
import { initWeights } from '../src/models/init_weights.js';
import { tfSeed } from '../src/ops/rng.js';

describe('seeded initialisation', () => {
  it('initWeights with seed 0 gives the same weights every time (tfjs reads a 0 seed as "random")', () => {
    const values = () => {
      const m = unet({ numClasses: 3, baseFilters: 4, depth: 2 });
      initWeights(m, { seed: 0, type: 'kaiming' });
      const v = m.weights.map((w) => Array.from(w.read().dataSync()));
      m.dispose();
      return v;
    };
    const a = values();
    const b = values();
    expect(a.length).toBeGreaterThan(4);
    a.forEach((w, i) => expect(w).toEqual(b[i]));
    expect(a[0]!.some((x) => x !== 0)).toBe(true);
  });

  it('tfSeed maps only 0 (and keeps undefined = random)', () => {
    expect(tfSeed(0)).not.toBe(0);
    expect(tfSeed(7)).toBe(7);
    expect(tfSeed(undefined)).toBeUndefined();
    const draw = () => Array.from(tf.randomNormal([5], 0, 1, 'float32', tfSeed(0)).dataSync());
    expect(draw()).toEqual(draw());
  });
});
