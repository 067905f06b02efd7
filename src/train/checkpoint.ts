/**
 * Training checkpoints: models, optimizer slot variables (Adam's m, v and
 * iteration count), the step, RNG states and free-form extras, written
 * atomically so that a crash during a save leaves the previous checkpoint
 * loadable.
 *
 * Layout of a checkpoint directory:
 * ```
 * dir/latest.json                      {"step": 300, "path": "step-00000300"}
 * dir/step-00000300/checkpoint.json    step, extra, rng, optimizer weight specs
 * dir/step-00000300/models/<name>/     model.json + weights.bin (tfjs-node layout)
 * dir/step-00000300/optimizers/<name>.bin
 * ```
 * A save writes `dir/.tmp-…/`, renames it to `step-…` (atomic), then
 * replaces `latest.json` by rename (atomic). Older steps beyond `keep` are
 * pruned afterwards.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tf, tfl } from '../tf.js';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../errors.js';
import { fileSystemIO, writeFileAtomic } from './file_system_io.js';
import type { SeededRandom } from './rng.js';

const FORMAT = 'segaware-checkpoint';
const VERSION = 1;

/** What {@link saveCheckpoint} stores. */
export interface CheckpointState {
  /** models by name; each is saved as a loadable tfjs model */
  models?: Record<string, tfl.LayersModel>;
  /** optimizers by name; their slot variables and iteration counts are saved */
  optimizers?: Record<string, tf.Optimizer>;
  /** the training step this checkpoint completes */
  step: number;
  /** generators whose states are saved (restored in place by {@link loadCheckpoint}) */
  rng?: Record<string, SeededRandom>;
  /** any JSON-serialisable data (config, best metric, data-loader position…) */
  extra?: unknown;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** how many most recent checkpoints to keep (default 2; 0 keeps all) */
  keep?: number;
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  step: number;
  extra: unknown;
  rng: Record<string, number>;
  /** the checkpoint directory that was loaded */
  path: string;
}

interface CheckpointJSON {
  format: string;
  version: number;
  step: number;
  savedAt: string;
  models: Record<string, { path: string; weights: { name: string; shape: number[] }[] }>;
  optimizers: Record<string, { path: string; className: string; specs: tf.io.WeightsManifestEntry[]; accumulators?: Record<string, number> }>;
  rng: Record<string, number>;
  extra: unknown;
}

/**
 * Running products tfjs optimizers keep outside `getWeights()` (Adam's
 * β1ᵗ, β2ᵗ; Adamax's β1ᵗ). `setWeights` recomputes them as `pow(β, t + 1)`,
 * which differs in the last bits from the product accumulated step by step, so
 * a resumed run would drift from an uninterrupted one; saving them makes
 * resume bit-exact.
 */
const ACCUMULATORS = ['accBeta1', 'accBeta2'] as const;

function readAccumulators(opt: tf.Optimizer): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const k of ACCUMULATORS) {
    const v = (opt as unknown as Record<string, unknown>)[k];
    if (v instanceof tf.Variable) out[k] = v.dataSync()[0]!;
  }
  return Object.keys(out).length ? out : undefined;
}

function writeAccumulators(opt: tf.Optimizer, values: Record<string, number> | undefined): void {
  for (const [k, value] of Object.entries(values ?? {})) {
    const v = (opt as unknown as Record<string, unknown>)[k];
    if (v instanceof tf.Variable) tf.tidy(() => v.assign(tf.scalar(value)));
  }
}

const stepDirName = (step: number) => `step-${String(step).padStart(8, '0')}`;

/**
 * Saves a checkpoint of `state` under `dir` and returns the path of the new
 * step directory. Atomic: until the final renames succeed the previous
 * checkpoint stays the one {@link loadCheckpoint} finds.
 *
 * @example
 * await saveCheckpoint('runs/dfs/ckpt', { models: { G, D }, optimizers: { gOpt, dOpt }, step, rng: { data: rng } });
 */
export async function saveCheckpoint(dir: string, state: CheckpointState, options: SaveCheckpointOptions = {}): Promise<string> {
  if (typeof dir !== 'string' || !dir) throw new InvalidArgumentError('dir', 'a directory path', dir);
  if (!Number.isInteger(state?.step) || state.step < 0) throw new InvalidArgumentError('state.step', 'a non-negative integer', state?.step);
  const keep = options.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 0) throw new InvalidArgumentError('options.keep', 'a non-negative integer', keep);
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-${stepDirName(state.step)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(tmp, { recursive: true });
  try {
    const json: CheckpointJSON = {
      format: FORMAT,
      version: VERSION,
      step: state.step,
      savedAt: new Date().toISOString(),
      models: {},
      optimizers: {},
      rng: {},
      extra: state.extra ?? null,
    };
    for (const [name, model] of Object.entries(state.models ?? {})) {
      if (!(model instanceof tfl.LayersModel)) throw new InvalidArgumentError(`state.models.${name}`, 'a tf.LayersModel', model);
      const path = join('models', name);
      await model.save(fileSystemIO(join(tmp, path)));
      json.models[name] = { path, weights: model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })) };
    }
    await mkdir(join(tmp, 'optimizers'), { recursive: true });
    for (const [name, opt] of Object.entries(state.optimizers ?? {})) {
      if (!(opt instanceof tf.Optimizer)) throw new InvalidArgumentError(`state.optimizers.${name}`, 'a tf.Optimizer', opt);
      const named = await opt.getWeights();
      const { data, specs } = await tf.io.encodeWeights(named);
      tf.dispose(named.filter((n) => n.name === 'iter').map((n) => n.tensor)); // a fresh scalar, the rest are live slots
      const path = join('optimizers', `${name}.bin`);
      await writeFile(join(tmp, path), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
      json.optimizers[name] = { path, className: opt.getClassName(), specs, accumulators: readAccumulators(opt) };
    }
    for (const [name, rng] of Object.entries(state.rng ?? {})) json.rng[name] = rng.getState();
    await writeFile(join(tmp, 'checkpoint.json'), JSON.stringify(json, null, 1));

    const final = join(root, stepDirName(state.step));
    if (await exists(final)) {
      // re-saving a step: move the old copy aside first so a crash never leaves no copy at all
      const old = `${final}.old-${process.pid}`;
      await rename(final, old);
      await rename(tmp, final);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, final);
    }
    await writeFileAtomic(join(root, 'latest.json'), JSON.stringify({ step: state.step, path: stepDirName(state.step) }));
    if (keep > 0) await prune(root, keep, state.step);
    return final;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** Complete step directories under `root`, oldest first. */
async function listSteps(root: string): Promise<{ step: number; path: string }[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const steps: { step: number; path: string }[] = [];
  for (const e of entries) {
    const m = /^step-(\d+)$/.exec(e);
    if (m && (await exists(join(root, e, 'checkpoint.json')))) steps.push({ step: Number(m[1]), path: join(root, e) });
  }
  return steps.sort((a, b) => a.step - b.step);
}

async function prune(root: string, keep: number, current: number): Promise<void> {
  const steps = (await listSteps(root)).filter((s) => s.step !== current);
  const excess = steps.length - (keep - 1);
  for (const s of steps.slice(0, Math.max(0, excess))) await rm(s.path, { recursive: true, force: true });
  for (const e of await readdir(root)) if (e.startsWith('.tmp-')) await rm(join(root, e), { recursive: true, force: true }).catch(() => undefined);
}

/** Path of the newest loadable checkpoint under `dir`, or null if there is none. */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  const root = resolve(dir);
  try {
    const latest = JSON.parse(await readFile(join(root, 'latest.json'), 'utf8')) as { path: string };
    const p = join(root, latest.path);
    if (await exists(join(p, 'checkpoint.json'))) return p;
  } catch {
    // missing or torn latest.json: fall back to scanning
  }
  const steps = await listSteps(root);
  return steps.length ? steps[steps.length - 1]!.path : null;
}

/**
 * Loads the newest checkpoint under `dir` (or the step directory `dir`
 * itself) into the given models and optimizers, restores the given RNGs, and
 * returns the step and extras.
 *
 * Models are matched by name; their weights must agree in count and shape
 * with the saved ones (compared in `model.weights` order) — otherwise a
 * {@link MismatchError} names the first disagreement. Optimizers must be of
 * the saved class and get the same variable order when training resumes.
 *
 * @throws NotFoundError if `dir` holds no checkpoint.
 * @example
 * const { step } = await loadCheckpoint('runs/dfs/ckpt', { models: { G, D }, optimizers: { gOpt, dOpt }, rng: { data: rng } });
 */
export async function loadCheckpoint(
  dir: string,
  target: { models?: Record<string, tfl.LayersModel>; optimizers?: Record<string, tf.Optimizer>; rng?: Record<string, SeededRandom> } = {},
): Promise<LoadedCheckpoint> {
  if (typeof dir !== 'string' || !dir) throw new InvalidArgumentError('dir', 'a directory path', dir);
  const root = resolve(dir);
  if (!(await exists(root))) throw new NotFoundError(`segaware: checkpoint directory ${root} does not exist`);
  const path = (await exists(join(root, 'checkpoint.json'))) ? root : await latestCheckpoint(root);
  if (!path) throw new NotFoundError(`segaware: no checkpoint in ${root} (expected latest.json or step-*/checkpoint.json)`);
  const json = JSON.parse(await readFile(join(path, 'checkpoint.json'), 'utf8')) as CheckpointJSON;
  if (json.format !== FORMAT) throw new MismatchError(`segaware: ${path} is not a segaware checkpoint (format ${json.format})`);

  // Validate everything before touching any model, so a mismatch leaves them as they were.
  const modelTensors: [tfl.LayersModel, tf.Tensor[]][] = [];
  try {
    for (const [name, model] of Object.entries(target.models ?? {})) {
      const saved = json.models[name];
      if (!saved) throw new MismatchError(`segaware: checkpoint ${path} has no model "${name}" (it has: ${Object.keys(json.models).join(', ') || 'none'})`);
      const artifacts = await fileSystemIO(join(path, saved.path)).load!();
      const map = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
      const tensors = artifacts.weightSpecs!.map((s) => map[s.name]!);
      modelTensors.push([model, tensors]);
      const expected = model.weights;
      if (expected.length !== tensors.length) {
        throw new MismatchError(`segaware: model "${name}" has ${expected.length} weight tensors but checkpoint ${path} has ${tensors.length}`);
      }
      expected.forEach((w, i) => {
        const got = tensors[i]!.shape;
        if (w.shape.length !== got.length || w.shape.some((d, j) => d !== got[j])) {
          throw new MismatchError(
            `segaware: model "${name}" weight ${i} (${w.originalName}) has shape [${w.shape}] but checkpoint ${path} stores ${artifacts.weightSpecs![i]!.name} with shape [${got}]`,
          );
        }
      });
    }
    for (const name of Object.keys(target.optimizers ?? {})) {
      const saved = json.optimizers[name];
      const opt = target.optimizers![name]!;
      if (!saved) throw new MismatchError(`segaware: checkpoint ${path} has no optimizer "${name}" (it has: ${Object.keys(json.optimizers).join(', ') || 'none'})`);
      if (saved.className !== opt.getClassName()) {
        throw new MismatchError(`segaware: optimizer "${name}" is a ${opt.getClassName()} but checkpoint ${path} stores a ${saved.className}`);
      }
    }
  } catch (err) {
    for (const [, ts] of modelTensors) tf.dispose(ts);
    throw err;
  }

  for (const [model, tensors] of modelTensors) {
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
  for (const [name, opt] of Object.entries(target.optimizers ?? {})) {
    const saved = json.optimizers[name]!;
    const bytes = await readFile(join(path, saved.path));
    const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, saved.specs);
    const named = saved.specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
    const previous = await opt.getWeights();
    await opt.setWeights(named);
    writeAccumulators(opt, saved.accumulators);
    // setWeights replaces the slot variables: free the old ones (and our decoded copies)
    tf.dispose(previous.map((p) => p.tensor));
    tf.dispose(named.map((n) => n.tensor));
  }
  for (const [name, rng] of Object.entries(target.rng ?? {})) {
    if (json.rng[name] === undefined) throw new MismatchError(`segaware: checkpoint ${path} has no RNG state "${name}"`);
    rng.setState(json.rng[name]!);
  }
  return { step: json.step, extra: json.extra, rng: json.rng, path };
}
