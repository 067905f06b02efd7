// Checkpoint fault injection: every corruption class of issue 16 applied to a
// two-step checkpoint (tiny conv net + Adam + RNG, keep 2). Each row must load
// the last intact step exactly (weights, Adam slots and β-powers bit-equal to
// what was saved at that step) or throw a named error leaving the targets
// untouched — never garbage, never a raw error.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import { CheckpointCorruptError, NonFiniteWeightsError, fileSystemIO, latestCheckpoint, loadCheckpoint, saveCheckpoint, SeededRandom, type RandomState } from '../src/index.js';
import { InvalidArgumentError, NotFoundError, SegawareError } from '../src/errors.js';
import { flatWeights, regressionStep, tinyNet } from './helpers/tiny_net.js';

const root = mkdtempSync(join(tmpdir(), 'segaware-ckpt-integrity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `case${n++}`);
const S1 = 'step-00000001';
const S2 = 'step-00000002';

/** What was saved at a step: model weights, Adam slots (m, v), Adam's β-powers and the RNG state. */
interface Snapshot {
  weights: number[];
  slots: number[][];
  acc: number[];
  rng: RandomState;
}
const saved: Record<number, Snapshot> = {};
const template = join(root, 'template');

async function snapshot(model: tfl.LayersModel, opt: tf.Optimizer, rng: SeededRandom): Promise<Snapshot> {
  const w = await opt.getWeights();
  const slots = w.filter((x) => x.name !== 'iter').map((x) => Array.from(x.tensor.dataSync()));
  tf.dispose(w.filter((x) => x.name === 'iter').map((x) => x.tensor));
  const o = opt as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  const acc = o.accBeta1 ? [o.accBeta1.dataSync()[0]!, o.accBeta2!.dataSync()[0]!] : [];
  return { weights: Array.from(flatWeights(model)), slots, acc, rng: rng.getState() };
}

beforeAll(async () => {
  const model = tinyNet(5);
  const opt = tf.train.adam(1e-2);
  const rng = new SeededRandom(7);
  for (const step of [1, 2]) {
    regressionStep(model, opt, rng);
    await saveCheckpoint(template, { models: { g: model }, optimizers: { g: opt }, rng: { data: rng }, step, extra: { step } }, { keep: 2 });
    saved[step] = await snapshot(model, opt, rng);
  }
  expect(saved[1]!.weights).not.toEqual(saved[2]!.weights);
  model.dispose();
  opt.dispose();
});

// ---- corruption helpers (deterministic) ----
const p = (d: string, step: string, rel: string) => join(d, step, ...rel.split('/'));
const W = 'models/g/weights.bin';
const OPT = 'optimizers/g.bin';
function edit(file: string, f: (b: Uint8Array) => Uint8Array): void {
  writeFileSync(file, f(new Uint8Array(readFileSync(file))));
}
const flip = (count: number) => (b: Uint8Array) => {
  for (let i = 0; i < count; i++) b[(Math.floor(b.length / 3) + i * 37) % b.length]! ^= 0xff;
  return b;
};
const randomBytes = (b: Uint8Array) => {
  let s = 12345;
  return b.map(() => ((s = (s * 1103515245 + 12345) % 2147483648) >> 8) & 0xff);
};
const truncate = (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2));
const extend = (b: Uint8Array) => {
  const out = new Uint8Array(b.length + 8);
  out.set(b);
  return out;
};
/** Rewrites both steps as format version 1 (no manifest, no checksum): loaded without verification. */
function toVersion1(d: string): void {
  for (const s of [S1, S2]) {
    const f = join(d, s, 'checkpoint.json');
    if (!existsSync(f)) continue;
    const json = JSON.parse(readFileSync(f, 'utf8'));
    json.version = 1;
    delete json.files;
    delete json.checksum;
    writeFileSync(f, JSON.stringify(json));
  }
}
/** The pid of a process that has exited (for stale entries "left by a killed process"). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

type Expect = { step: 1 | 2; skipped?: RegExp[]; from?: RegExp } | { throws: new (...args: never[]) => SegawareError; message: RegExp };
interface Row {
  name: string;
  corrupt: (d: string) => void;
  expect: Expect;
  /** load this step directory explicitly (no fallback) instead of the run directory */
  explicit?: string;
}

const rows: Row[] = [
  { name: 'weights.bin with 1 byte flipped', corrupt: (d) => edit(p(d, S2, W), flip(1)), expect: { step: 1, skipped: [/models\/g\/weights\.bin: SHA-256 differs/] } },
  { name: 'weights.bin with 16 bytes flipped', corrupt: (d) => edit(p(d, S2, W), flip(16)), expect: { step: 1, skipped: [/weights\.bin: SHA-256 differs/] } },
  { name: 'weights.bin overwritten with random bytes', corrupt: (d) => edit(p(d, S2, W), randomBytes), expect: { step: 1, skipped: [/weights\.bin: SHA-256 differs/] } },
  { name: 'weights.bin overwritten with zeros', corrupt: (d) => edit(p(d, S2, W), (b) => b.fill(0)), expect: { step: 1, skipped: [/weights\.bin: SHA-256 differs/] } },
  { name: 'weights.bin truncated', corrupt: (d) => truncate(p(d, S2, W)), expect: { step: 1, skipped: [/weights\.bin has \d+ bytes but the manifest says \d+/] } },
  { name: 'weights.bin extended', corrupt: (d) => edit(p(d, S2, W), extend), expect: { step: 1, skipped: [/weights\.bin has \d+ bytes but the manifest says \d+ \(truncated or extended\)/] } },
  { name: 'weights.bin deleted', corrupt: (d) => unlinkSync(p(d, S2, W)), expect: { step: 1, skipped: [/models\/g\/weights\.bin is missing/] } },
  { name: 'optimizer .bin with 1 byte flipped', corrupt: (d) => edit(p(d, S2, OPT), flip(1)), expect: { step: 1, skipped: [/optimizers\/g\.bin: SHA-256 differs/] } },
  { name: 'optimizer .bin truncated', corrupt: (d) => truncate(p(d, S2, OPT)), expect: { step: 1, skipped: [/optimizers\/g\.bin has \d+ bytes/] } },
  { name: 'optimizer .bin deleted', corrupt: (d) => unlinkSync(p(d, S2, OPT)), expect: { step: 1, skipped: [/optimizers\/g\.bin is missing/] } },
  { name: 'checkpoint.json truncated', corrupt: (d) => truncate(p(d, S2, 'checkpoint.json')), expect: { step: 1, skipped: [/checkpoint\.json is not valid JSON/] } },
  { name: 'checkpoint.json invalid JSON', corrupt: (d) => writeFileSync(p(d, S2, 'checkpoint.json'), '{"format": "segaware-checkpoint", oops'), expect: { step: 1, skipped: [/checkpoint\.json is not valid JSON/] } },
  { name: 'checkpoint.json deleted', corrupt: (d) => unlinkSync(p(d, S2, 'checkpoint.json')), expect: { step: 1, skipped: [/checkpoint\.json is missing/] } },
  {
    name: 'checkpoint.json edited but still valid JSON (RNG state changed)',
    corrupt: (d) => {
      const f = p(d, S2, 'checkpoint.json');
      const json = JSON.parse(readFileSync(f, 'utf8'));
      json.rng.data = (json.rng.data + 1) >>> 0;
      writeFileSync(f, JSON.stringify(json, null, 1));
    },
    expect: { step: 1, skipped: [/checkpoint\.json: SHA-256 differs from its checksum/] },
  },
  { name: 'model.json truncated', corrupt: (d) => truncate(p(d, S2, 'models/g/model.json')), expect: { step: 1, skipped: [/models\/g\/model\.json has \d+ bytes/] } },
  { name: "step 2's weights.bin replaced by step 1's", corrupt: (d) => cpSync(p(d, S1, W), p(d, S2, W)), expect: { step: 1, skipped: [/weights\.bin: SHA-256 differs/] } },
  {
    name: 'weights.bin swapped between the two steps',
    corrupt: (d) => {
      renameSync(p(d, S1, W), join(d, 'w1'));
      renameSync(p(d, S2, W), p(d, S1, W));
      renameSync(join(d, 'w1'), p(d, S2, W));
    },
    expect: { throws: CheckpointCorruptError, message: /no intact checkpoint.*step-00000002: models\/g\/weights\.bin: SHA-256.*step-00000001: models\/g\/weights\.bin: SHA-256/ },
  },
  { name: 'older step corrupt, newest intact', corrupt: (d) => edit(p(d, S1, W), flip(1)), expect: { step: 2, skipped: [] } },
  { name: 'latest.json torn', corrupt: (d) => writeFileSync(join(d, 'latest.json'), '{"step": 2, "pa'), expect: { step: 2, skipped: [/latest\.json is not valid/] } },
  {
    name: 'latest.json pointing to a missing step',
    corrupt: (d) => writeFileSync(join(d, 'latest.json'), JSON.stringify({ step: 3, path: 'step-00000003' })),
    expect: { step: 2, skipped: [/named by latest\.json but missing/] },
  },
  {
    name: 'interrupted same-step re-save (keep 2): only step-2.old-* left for step 2',
    corrupt: (d) => renameSync(join(d, S2), join(d, `${S2}.old-${deadPid()}-abc123`)),
    expect: { step: 2, skipped: [/named by latest\.json but missing/], from: /step-00000002\.old-\d+-abc123$/ },
  },
  {
    name: 'interrupted same-step re-save (keep 1): only step-2.old-* left at all',
    corrupt: (d) => {
      rmSync(join(d, S1), { recursive: true });
      renameSync(join(d, S2), join(d, `${S2}.old-${deadPid()}-abc123`));
    },
    expect: { step: 2, skipped: [/named by latest\.json but missing/], from: /\.old-/ },
  },
  {
    name: 'step-2 corrupt but its moved-aside copy intact',
    corrupt: (d) => {
      cpSync(join(d, S2), join(d, `${S2}.old-${deadPid()}-abc123`), { recursive: true });
      edit(p(d, S2, W), flip(1));
    },
    expect: { step: 2, skipped: [/weights\.bin: SHA-256/], from: /\.old-/ },
  },
  {
    name: 'both steps corrupt',
    corrupt: (d) => {
      edit(p(d, S2, OPT), flip(1));
      truncate(p(d, S1, W));
    },
    expect: { throws: CheckpointCorruptError, message: /no intact checkpoint.*step-00000002: optimizers\/g\.bin: SHA-256.*step-00000001: models\/g\/weights\.bin has/ },
  },
  {
    name: 'optimizer .bin truncated, no older step to fall back to',
    corrupt: (d) => {
      rmSync(join(d, S1), { recursive: true });
      truncate(p(d, S2, OPT));
    },
    expect: { throws: CheckpointCorruptError, message: /optimizers\/g\.bin has \d+ bytes/ },
  },
  {
    name: 'optimizer .bin deleted, no older step to fall back to',
    corrupt: (d) => {
      rmSync(join(d, S1), { recursive: true });
      unlinkSync(p(d, S2, OPT));
    },
    expect: { throws: CheckpointCorruptError, message: /optimizers\/g\.bin is missing/ },
  },
  { name: 'explicit step directory with a flipped weights byte (no fallback)', explicit: S2, corrupt: (d) => edit(p(d, S2, W), flip(1)), expect: { throws: CheckpointCorruptError, message: /step-00000002 is corrupt: models\/g\/weights\.bin: SHA-256/ } },
  { name: 'explicit step directory without checkpoint.json', explicit: S2, corrupt: (d) => unlinkSync(p(d, S2, 'checkpoint.json')), expect: { throws: CheckpointCorruptError, message: /step-00000002 is corrupt: checkpoint\.json is missing/ } },
  { name: 'only a torn latest.json, no step directory', corrupt: (d) => { rmSync(join(d, S1), { recursive: true }); rmSync(join(d, S2), { recursive: true }); writeFileSync(join(d, 'latest.json'), '{"st'); }, expect: { throws: NotFoundError, message: /no checkpoint in .*latest\.json is not valid/ } },
  // format version 1 (no manifest): loaded without verification, but still parsed and decoded before anything is assigned
  { name: 'version 1: intact', corrupt: toVersion1, expect: { step: 2, skipped: [] } },
  { name: 'version 1: weights.bin truncated → falls back on the decode check', corrupt: (d) => { toVersion1(d); truncate(p(d, S2, W)); }, expect: { step: 1, skipped: [/weights\.bin holds \d+ bytes of weights but their specs describe \d+/] } },
  { name: 'version 1: weights.bin extended → falls back on the decode check', corrupt: (d) => { toVersion1(d); edit(p(d, S2, W), extend); }, expect: { step: 1, skipped: [/weights\.bin holds \d+ bytes/] } },
  { name: 'version 1: checkpoint.json torn', corrupt: (d) => { toVersion1(d); truncate(p(d, S2, 'checkpoint.json')); }, expect: { step: 1, skipped: [/not valid JSON/] } },
  {
    name: 'version 1: optimizer .bin truncated, no older step (model untouched)',
    corrupt: (d) => {
      toVersion1(d);
      rmSync(join(d, S1), { recursive: true });
      truncate(p(d, S2, OPT));
    },
    expect: { throws: CheckpointCorruptError, message: /optimizers\/g\.bin holds \d+ bytes/ },
  },
  {
    name: 'version 1: optimizer .bin deleted → falls back, model gets the older step',
    corrupt: (d) => {
      toVersion1(d);
      unlinkSync(p(d, S2, OPT));
    },
    expect: { step: 1, skipped: [/optimizers\/g\.bin is missing/] },
  },
];

describe('checkpoint fault injection (tiny conv net + Adam, two steps, keep 2)', () => {
  const outcomes: Record<string, string> = {};
  afterAll(() => {
    const loads = Object.values(outcomes).filter((o) => o.startsWith('loads')).length;
    console.log(`[checkpoint rows] ${loads} load the last intact step, ${Object.keys(outcomes).length - loads} throw a named error`);
  });

  it.each(rows)('$name', async (row) => {
    const d = fresh();
    cpSync(template, d, { recursive: true });
    row.corrupt(d);
    const model = tinyNet(99);
    const opt = tf.train.adam(1e-2);
    const rng = new SeededRandom(0);
    const before = flatWeights(model);
    const tensorsBefore = tf.memory().numTensors;
    const load = () => loadCheckpoint(row.explicit ? join(d, row.explicit) : d, { models: { g: model }, optimizers: { g: opt }, rng: { data: rng } }, { quiet: true });
    const e = row.expect;
    if ('throws' in e) {
      const err = await load().catch((x: unknown) => x);
      expect(err).toBeInstanceOf(e.throws);
      expect(String((err as Error).message)).toMatch(e.message);
      // untouched: weights, optimizer (no slots created), RNG, and no tensor left behind
      expect(Array.from(flatWeights(model))).toEqual(Array.from(before));
      expect((await opt.getWeights()).length).toBe(1);
      expect(rng.getState()).toBe(new SeededRandom(0).getState());
      expect(tf.memory().numTensors).toBe(tensorsBefore + 1); // the iter scalar getWeights just returned
      outcomes[row.name] = `throws ${e.throws.name}`;
    } else {
      const loaded = await load();
      expect(loaded.step).toBe(e.step);
      expect(loaded.extra).toEqual({ step: e.step });
      expect(loaded.skipped.map((s) => s.reason)).toHaveLength(e.skipped?.length ?? 0);
      e.skipped?.forEach((re, i) => expect(loaded.skipped[i]!.reason).toMatch(re));
      if (e.from) expect(loaded.path).toMatch(e.from);
      const want = saved[e.step]!;
      // bit-equal to what was saved at that step
      expect(Array.from(flatWeights(model))).toEqual(want.weights);
      const got = await snapshot(model, opt, rng);
      expect(got.slots).toEqual(want.slots);
      expect(got.acc).toEqual(want.acc);
      expect(rng.getState()).toBe(want.rng);
      // only the Adam slots (m, v per trainable weight) are new
      expect(tf.memory().numTensors - tensorsBefore).toBe(2 * model.trainableWeights.length);
      outcomes[row.name] = `loads step ${e.step}`;
    }
    model.dispose();
    opt.dispose();
  });

  it('latestCheckpoint skips a corrupt newest step and returns null when none is intact', async () => {
    const d = fresh();
    cpSync(template, d, { recursive: true });
    expect(await latestCheckpoint(d)).toBe(join(d, S2));
    edit(p(d, S2, W), flip(1));
    expect(await latestCheckpoint(d)).toBe(join(d, S1));
    unlinkSync(p(d, S1, OPT));
    expect(await latestCheckpoint(d)).toBeNull();
    // an interrupted re-save's moved-aside copy counts (and is verified like any step)
    const d2 = fresh();
    cpSync(template, d2, { recursive: true });
    const old = join(d2, `${S2}.old-${deadPid()}-abc123`);
    renameSync(join(d2, S2), old);
    expect(await latestCheckpoint(d2)).toBe(old);
    edit(join(old, ...W.split('/')), flip(1));
    expect(await latestCheckpoint(d2)).toBe(join(d2, S1));
  });

  it('warns one line per skipped step unless quiet', async () => {
    const d = fresh();
    cpSync(template, d, { recursive: true });
    writeFileSync(join(d, 'latest.json'), '{');
    edit(p(d, S2, W), flip(1));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const m = tinyNet(1);
      const loaded = await loadCheckpoint(d, { models: { g: m } });
      expect(loaded.step).toBe(1);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/skipped checkpoint .*latest\.json: latest\.json is not valid/),
        expect.stringMatching(/skipped checkpoint .*step-00000002: models\/g\/weights\.bin: SHA-256 differs/),
      ]);
      warn.mockClear();
      await loadCheckpoint(d, { models: { g: m } }, { quiet: true });
      expect(warn).not.toHaveBeenCalled();
      m.dispose();
    } finally {
      warn.mockRestore();
    }
  });

  it('a throwing load leaks no tensor (repeated)', async () => {
    const d = fresh();
    cpSync(template, d, { recursive: true });
    rmSync(join(d, S1), { recursive: true });
    toVersion1(d);
    truncate(p(d, S2, OPT));
    const m = tinyNet(1);
    const opt = tf.train.adam(1e-2);
    const run = () => loadCheckpoint(d, { models: { g: m }, optimizers: { g: opt } }, { quiet: true }).catch((x: unknown) => x);
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) expect(await run()).toBeInstanceOf(CheckpointCorruptError);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    opt.dispose();
  });
});

describe('saveCheckpoint: what it refuses before writing anything', () => {
  const m = tinyNet(2);
  afterAll(() => m.dispose());
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  it.each([
    ['NaN', { a: Number.NaN }, 'state.extra.a', /finite number/],
    ['Infinity', { best: { psnr: Infinity } }, 'state.extra.best.psnr', /finite number/],
    ['-Infinity in an array', { hist: [1, -Infinity] }, 'state.extra.hist[1]', /finite number/],
    ['BigInt', { n: 10n }, 'state.extra.n', /BigInt/],
    ['function', { f: () => 1 }, 'state.extra.f', /functions/],
    ['circular reference', circular, 'state.extra.self', /circular/],
    ['Map', { m: new Map([[1, 2]]) }, 'state.extra.m', /Map\/Set/],
    ['undefined in an array', { a: [undefined] }, 'state.extra.a[0]', /undefined/],
    ['NaN at the top', Number.NaN, 'state.extra', /finite number/],
    ['NaN behind toJSON', { t: { toJSON: () => ({ x: Number.NaN }) } }, 'state.extra.t.x', /finite number/],
    ['toJSON returning itself, holding NaN', (() => { const o = { v: Number.NaN, toJSON() { return o; } }; return { o }; })(), 'state.extra.o.v', /finite number/],
  ])('extra with %s → InvalidArgumentError naming %s', async (_label, extra, argument, expected) => {
    const d = fresh();
    const err = await saveCheckpoint(d, { models: { m }, step: 1, extra }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).argument).toBe(`saveCheckpoint: ${argument}`);
    expect((err as InvalidArgumentError).expected).toMatch(expected);
    expect(existsSync(d)).toBe(false);
  });

  it('accepts JSON-safe extras (Date, nested, undefined keys) and loads them back equal', async () => {
    const d = fresh();
    const extra = { at: new Date(0), cfg: { lr: 1e-3, tags: ['a', null] }, skip: undefined };
    await saveCheckpoint(d, { models: { m }, step: 1, extra });
    const loaded = await loadCheckpoint(d, {});
    expect(loaded.extra).toEqual({ at: '1970-01-01T00:00:00.000Z', cfg: { lr: 1e-3, tags: ['a', null] } });
  });

  it('a model with NaN/±Inf weights → NonFiniteWeightsError naming the model and weight; nothing recorded', async () => {
    const d = fresh();
    const g = tinyNet(3);
    await saveCheckpoint(d, { models: { g }, step: 1 });
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const ws = g.getWeights();
      const k = ws[2]!.dataSync().slice();
      k[5] = bad;
      // getWeights returns the live variables: keep a copy to restore, never dispose them
      const good = ws[2]!.clone();
      const badKernel = tf.tensor(k, ws[2]!.shape);
      g.layers[2]!.setWeights([badKernel, ws[3]!]);
      badKernel.dispose();
      const err = await saveCheckpoint(d, { models: { g }, step: 2 }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(NonFiniteWeightsError);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as NonFiniteWeightsError).owner).toBe('state.models.g');
      expect((err as NonFiniteWeightsError).weight).toMatch(/conv2d.*\/kernel/);
      expect((err as NonFiniteWeightsError).index).toBe(5);
      expect(String((err as Error).message)).toMatch(new RegExp(`state\\.models\\.g.*holding ${String(bad).replace('+', '\\+')} at index 5.*allowNonFinite`));
      expect(await latestCheckpoint(d)).toBe(join(d, S1));
      expect(readdirSync(d).sort()).toEqual(['latest.json', S1]);
      // allowNonFinite: saved and loaded back as is
      await saveCheckpoint(d, { models: { g }, step: 2 }, { allowNonFinite: true });
      const h = tinyNet(4);
      await loadCheckpoint(d, { models: { g: h } });
      expect(Object.is(h.getWeights()[2]!.dataSync()[5], bad)).toBe(true);
      h.dispose();
      rmSync(join(d, S2), { recursive: true });
      writeFileSync(join(d, 'latest.json'), JSON.stringify({ step: 1, path: S1 }));
      g.layers[2]!.setWeights([good, ws[3]!]);
      good.dispose();
    }
    g.dispose();
  });

  it('an optimizer slot holding NaN → NonFiniteWeightsError naming the optimizer', async () => {
    const g = tinyNet(3);
    const opt = tf.train.adam(1e-2);
    regressionStep(g, opt, new SeededRandom(1));
    const slot = (opt as unknown as { accumulatedSecondMoment: { variable: tf.Variable }[] }).accumulatedSecondMoment[1]!.variable;
    tf.tidy(() => slot.assign(tf.fill(slot.shape, Number.NaN)));
    const err = await saveCheckpoint(fresh(), { models: { g }, optimizers: { adam: opt }, step: 1 }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NonFiniteWeightsError);
    expect((err as NonFiniteWeightsError).owner).toBe('state.optimizers.adam');
    expect((err as NonFiniteWeightsError).weight).toMatch(/\/v$/);
    g.dispose();
    opt.dispose();
  });

  it('model and optimizer names that would escape the step directory are refused', async () => {
    await expect(saveCheckpoint(fresh(), { models: { '../x': m }, step: 1 })).rejects.toThrow(/invalid saveCheckpoint: state\.models: expected a name usable as a file name/);
  });
});

describe('file-system errors are named, never raw', () => {
  const m = tinyNet(2);
  afterAll(() => m.dispose());

  it('saveCheckpoint into a file, or below one → InvalidArgumentError naming the path', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const e1 = await saveCheckpoint(file, { models: { m }, step: 1 }).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(InvalidArgumentError);
    expect(String((e1 as Error).message)).toMatch(/invalid saveCheckpoint: dir: .*a-file.*is a file, not a directory/);
    const e2 = await saveCheckpoint(join(file, 'sub'), { models: { m }, step: 1 }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(InvalidArgumentError);
    expect(String((e2 as Error).message)).toMatch(/invalid saveCheckpoint: dir: .*a-file\/sub.*is a file, not a directory/);
  });

  it('loadCheckpoint of a file → InvalidArgumentError "is a file"; a file named like a step directory inside a run is ignored', async () => {
    const file = join(root, 'b-file');
    writeFileSync(file, 'x');
    const err = await loadCheckpoint(file, {}).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(String((err as Error).message)).toMatch(/invalid loadCheckpoint: dir: expected a checkpoint directory.*b-file is a file/);
    const d = fresh();
    cpSync(template, d, { recursive: true });
    rmSync(join(d, S2), { recursive: true });
    writeFileSync(join(d, S2), 'not a directory');
    const g = tinyNet(1);
    const loaded = await loadCheckpoint(d, { models: { g } }, { quiet: true });
    expect(loaded.step).toBe(1);
    g.dispose();
  });

  it('fileSystemIO: saving below a file, a model.json that is a directory, a torn model.json, a short weights file', async () => {
    const file = join(root, 'c-file');
    writeFileSync(file, 'x');
    const e1 = await m.save(fileSystemIO(join(file, 'model'))).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(InvalidArgumentError);
    expect(String((e1 as Error).message)).toMatch(/invalid fileSystemIO: path: expected a directory for model\.json and weights\.bin.*is a file, not a directory/);
    const d = fresh();
    mkdirSync(join(d, 'model.json'), { recursive: true });
    const e2 = await tfl.loadLayersModel(fileSystemIO(d)).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(InvalidArgumentError);
    expect(String((e2 as Error).message)).toMatch(/model\.json is a directory/);
    const d2 = fresh();
    await m.save(fileSystemIO(d2));
    truncate(join(d2, 'weights.bin'));
    const e3 = await tfl.loadLayersModel(fileSystemIO(d2)).catch((x: unknown) => x);
    expect(e3).toBeInstanceOf(CheckpointCorruptError);
    expect(String((e3 as Error).message)).toMatch(/weights hold \d+ bytes but model\.json describes \d+/);
    truncate(join(d2, 'model.json'));
    const e4 = await tfl.loadLayersModel(fileSystemIO(d2)).catch((x: unknown) => x);
    expect(e4).toBeInstanceOf(CheckpointCorruptError);
    expect(String((e4 as Error).message)).toMatch(/model\.json is not valid JSON/);
  });
});

describe('durability and stale entries', () => {
  it('fsyncs every written file and directory (FileHandle.sync is called for each)', async () => {
    const probe = await open(join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const sync = vi.spyOn(proto, 'sync');
    try {
      const g = tinyNet(1);
      const opt = tf.train.adam(1e-2);
      regressionStep(g, opt, new SeededRandom(1));
      await saveCheckpoint(fresh(), { models: { g }, optimizers: { g: opt }, step: 1 });
      // files: weights.bin, model.json, g.bin, checkpoint.json, latest.json tmp = 5;
      // directories: models/g, models, optimizers, the step dir, the root after each of 2 renames = 6
      expect(sync.mock.calls.length).toBeGreaterThanOrEqual(11);
      g.dispose();
      opt.dispose();
    } finally {
      sync.mockRestore();
    }
  });

  it('a save cleans stale .tmp-*/.old-* entries of dead processes and restores a lone complete .old copy', async () => {
    const d = fresh();
    cpSync(template, d, { recursive: true });
    const pid = deadPid();
    mkdirSync(join(d, `.tmp-step-00000009-${pid}-abc123`, 'models'), { recursive: true });
    writeFileSync(join(d, `latest.json.tmp-${pid}-abc123`), '{"st');
    cpSync(join(d, S1), join(d, `${S1}.old-${pid}-aaaaaa`), { recursive: true });
    renameSync(join(d, S2), join(d, `${S2}.old-${pid}-bbbbbb`));
    const g = tinyNet(1);
    await saveCheckpoint(d, { models: { g }, step: 3 }, { keep: 0 });
    expect(readdirSync(d).sort()).toEqual(['latest.json', S1, S2, 'step-00000003']);
    const h = tinyNet(2);
    const loaded = await loadCheckpoint(join(d, S2), { models: { g: h } });
    expect(loaded.step).toBe(2);
    expect(Array.from(flatWeights(h))).toEqual(saved[2]!.weights);
    g.dispose();
    h.dispose();
  });

  it('re-saving the same step with keep 1 never leaves "no checkpoint" and leaves no .old-* behind', async () => {
    const d = fresh();
    const g = tinyNet(1);
    for (let i = 0; i < 3; i++) await saveCheckpoint(d, { models: { g }, step: 4 }, { keep: 1 });
    expect(readdirSync(d).sort()).toEqual(['latest.json', 'step-00000004']);
    g.dispose();
  });
});
