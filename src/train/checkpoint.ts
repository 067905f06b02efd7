/**
 * Training checkpoints: models, optimizer slot variables (Adam's m, v and
 * iteration count), the step, RNG states and free-form extras, written
 * atomically and durably, verified on load, with a fallback to the newest
 * intact step.
 *
 * Layout of a checkpoint directory:
 * ```
 * dir/latest.json                      {"step": 300, "path": "step-00000300"}
 * dir/step-00000300/checkpoint.json    step, extra, rng, optimizer weight specs, file manifest, checksum
 * dir/step-00000300/models/<name>/     model.json + weights.bin (tfjs-node layout)
 * dir/step-00000300/optimizers/<name>.bin
 * ```
 * A save encodes everything on the host first, writes `dir/.tmp-…/` (every
 * file fsync'ed, then the directories), renames it to `step-…` (atomic) and
 * fsyncs `dir`, then replaces `latest.json` the same way. Stale `.tmp-*` and
 * `.old-*` entries of dead processes are cleaned and older steps beyond
 * `keep` pruned afterwards.
 *
 * Integrity (format version 2): `checkpoint.json` lists every other file of
 * the step with its byte size and SHA-256, and carries the SHA-256 of its own
 * content. A load reads and verifies every listed file, then decodes every
 * model, optimizer and RNG state, and only then assigns anything — a corrupt,
 * torn or mismatching checkpoint leaves the targets as they were.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { tf, tfl } from '../tf.js';
import { InvalidArgumentError, MismatchError, NotFoundError, describeValue } from '../errors.js';
import { CheckpointCorruptError, NonFiniteWeightsError, type SkippedCheckpoint } from './checkpoint_errors.js';
import { checkOptions } from '../validate.js';
import { checkKeys } from './check_keys.js';
import { encodeModelFiles, expectedWeightBytes, fsError, fsyncDirectory, weightDataToBuffer, writeFileAtomic, writeFileDurable } from './file_system_io.js';
import { isRandomState, type RandomState, type SeededRandom } from '../ops/rng.js';

export { CheckpointCorruptError, NonFiniteWeightsError, type SkippedCheckpoint } from './checkpoint_errors.js';

const FORMAT = 'segaware-checkpoint';
/**
 * Format version written by {@link saveCheckpoint}. Version 2 adds the file
 * manifest (size + SHA-256 per file) and the checksum of `checkpoint.json`;
 * version 1 checkpoints still load, without verification.
 */
const VERSION = 2;

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
  /**
   * Any JSON-serialisable data (config, best metric, data-loader position…).
   * Values JSON cannot round-trip are rejected (see {@link saveCheckpoint}).
   */
  extra?: unknown;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** how many most recent checkpoints to keep (default 2; 0 keeps all) */
  keep?: number;
  /**
   * save models and optimizers whose weights hold NaN/±Infinity (default
   * false: such a save throws {@link NonFiniteWeightsError}, so a diverged
   * state is never recorded as a checkpoint to resume from)
   */
  allowNonFinite?: boolean;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** do not `console.warn` the steps skipped by the fallback (they are still returned in `skipped`) */
  quiet?: boolean;
}

/** Keys checked by {@link saveCheckpoint} and {@link loadCheckpoint}: a misspelled `optimisers` would save or restore nothing. */
const SAVE_CHECKPOINT_KEYS = ['keep', 'allowNonFinite'] as const;
const LOAD_CHECKPOINT_KEYS = ['quiet'] as const;
const CHECKPOINT_STATE_KEYS = ['models', 'optimizers', 'step', 'rng', 'extra'] as const;
const LOAD_TARGET_KEYS = ['models', 'optimizers', 'rng'] as const;

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  step: number;
  extra: unknown;
  rng: Record<string, RandomState>;
  /** the checkpoint directory that was loaded */
  path: string;
  /** newer steps (or a broken `latest.json`) that failed verification or parsing and were skipped, newest first; empty normally */
  skipped: SkippedCheckpoint[];
}

interface FileEntry {
  size: number;
  sha256: string;
}

interface CheckpointJSON {
  format: string;
  version: number;
  step: number;
  savedAt: string;
  models: Record<string, { path: string; weights: { name: string; shape: number[] }[] }>;
  optimizers: Record<string, { path: string; className: string; specs: tf.io.WeightsManifestEntry[]; accumulators?: Record<string, number> }>;
  rng: Record<string, RandomState>;
  extra: unknown;
  /** version ≥ 2: every other file of the step, by path relative to the step directory (always with `/`) */
  files?: Record<string, FileEntry>;
  /** version ≥ 2: SHA-256 of this JSON without the `checksum` key (written last, serialised as saved) */
  checksum?: string;
}

/**
 * Running products tfjs optimizers keep outside `getWeights()` (Adam's
 * β1ᵗ, β2ᵗ; Adamax's β1ᵗ). `setWeights` recomputes them as `pow(β, t + 1)`,
 * which differs in the last bits from the product accumulated step by step, so
 * a resumed run would drift from an uninterrupted one; saving them makes
 * resume bit-exact.
 */
const ACCUMULATORS = ['accBeta1', 'accBeta2'] as const;

async function readAccumulators(opt: tf.Optimizer): Promise<Record<string, number> | undefined> {
  const out: Record<string, number> = {};
  for (const k of ACCUMULATORS) {
    const v = (opt as unknown as Record<string, unknown>)[k];
    // read asynchronously: GPU backends have no synchronous read in Node (and it would stall the device)
    if (v instanceof tf.Variable) out[k] = (await v.data())[0]!;
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
const STEP_RE = /^step-(\d+)$/;
const OLD_RE = /^(step-\d+)\.old-(\d+)(?:-[a-z0-9]+)?$/;
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Temporary and moved-aside directories this process is using right now (never cleaned as stale). */
const inFlight = new Set<string>();

/** Model/optimizer names become directory names: refuse ones that would escape the step directory. */
function assertSafeName(argument: string, name: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new InvalidArgumentError(argument, 'a name usable as a file name (no "/", "\\", "." or "..")', name);
  }
}

/**
 * Rejects values JSON would silently change: NaN/±Infinity (become null),
 * BigInt and circular references (JSON.stringify throws), functions and
 * symbols (dropped), Map/Set and typed arrays (become `{}` / index-keyed
 * objects), `undefined` in arrays (becomes null). `path` names the value.
 */
function assertJsonSafe(path: string, value: unknown, stack: object[] = []): void {
  const reject = (expected: string, received: unknown) => {
    throw new InvalidArgumentError(path, expected, received);
  };
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) reject('a finite number (JSON stores NaN and ±Infinity as null)', value);
      return;
    case 'bigint':
      return reject('a JSON-serialisable value (JSON has no BigInt: store it as a string or number)', value);
    case 'function':
    case 'symbol':
      return reject('a JSON-serialisable value (JSON drops functions and symbols)', `a ${typeof value}`);
    case 'object': {
      if (value === null) return;
      if (stack.includes(value)) return reject('a JSON-serialisable value without circular references', 'a circular reference');
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const replaced: unknown = toJSON.call(value);
        if (replaced !== value) return assertJsonSafe(path, replaced, [...stack, value]);
      }
      if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
        return reject('plain JSON data (convert Map/Set/typed arrays to objects or arrays first)', `a ${value.constructor.name}`);
      }
      stack.push(value);
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v === undefined) throw new InvalidArgumentError(`${path}[${i}]`, 'a JSON-serialisable value (JSON stores undefined in an array as null)', v);
          assertJsonSafe(`${path}[${i}]`, v, stack);
        });
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue; // dropped by JSON, reads back as undefined: same meaning
          if (k === 'toJSON' && typeof v === 'function') continue; // a toJSON returning its own object
          assertJsonSafe(/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, v, stack);
        }
      }
      stack.pop();
      return;
    }
    default:
      return;
  }
}

/**
 * Throws {@link NonFiniteWeightsError} for the first NaN/±Infinity among the
 * float32 weights of an encoded buffer. Scans the host bytes that are written
 * anyway (no device work); a plain loop rather than `assertFiniteArray`
 * because the error must name the weight and index.
 */
function assertFiniteWeights(owner: string, bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[]): void {
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, d) => a * d, 1);
    const size = n * (spec.dtype === 'bool' ? 1 : spec.dtype === 'complex64' ? 8 : 4);
    if (spec.dtype === 'float32' && !spec.quantization) {
      const start = bytes.byteOffset + offset;
      const view = start % 4 === 0 ? new Float32Array(bytes.buffer, start, n) : new Float32Array(bytes.slice(offset, offset + size).buffer);
      for (let i = 0; i < n; i++) {
        const v = view[i]!;
        if (v - v !== 0) throw new NonFiniteWeightsError(owner, spec.name, i, v);
      }
    }
    offset += size;
  }
}

/** Captures the artifacts `model.save` would hand to an IOHandler (weights encoded on the host). */
async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (artifacts: tf.io.ModelArtifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  return captured!;
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/**
 * Saves a checkpoint of `state` under `dir` and returns the path of the new
 * step directory. Atomic and durable: until the final renames succeed the
 * previous checkpoint stays the one {@link loadCheckpoint} finds; every file
 * and directory is fsync'ed before its rename, and `dir` after it. Re-saving
 * an existing step moves the old copy aside (`step-….old-<pid>-…`) first;
 * if the process dies between the two renames that copy is still found by
 * {@link loadCheckpoint} and {@link latestCheckpoint}, and the next save
 * restores it (or removes it once the step exists again).
 *
 * Everything is validated and encoded on the host before the first byte is
 * written.
 *
 * @throws InvalidArgumentError if `dir` is not a usable directory path (a
 *   file, below a file, not writable — the message names the path), `state.step`
 *   or `options.keep` is not a non-negative integer, a model/optimizer is not
 *   one or has a name that is not a valid file name, or `state.extra` holds a
 *   value JSON cannot round-trip (NaN/±Infinity, BigInt, a function or symbol,
 *   a circular reference, a Map/Set/typed array, `undefined` in an array) —
 *   the error names its path, e.g. `state.extra.a`.
 * @throws NonFiniteWeightsError if a model's or optimizer's weights hold NaN or
 *   ±Infinity (naming the model or optimizer, the weight and the index),
 *   unless `options.allowNonFinite` is true.
 * @example
 * await saveCheckpoint('runs/dfs/ckpt', { models: { G, D }, optimizers: { gOpt, dOpt }, step, rng: { data: rng } });
 */
export async function saveCheckpoint(dir: string, state: CheckpointState, options?: SaveCheckpointOptions): Promise<string> {
  const o = checkOptions('saveCheckpoint', options, SAVE_CHECKPOINT_KEYS);
  if (typeof dir !== 'string' || !dir) throw new InvalidArgumentError('saveCheckpoint: dir', 'a directory path', dir);
  if (state === null || typeof state !== 'object') throw new InvalidArgumentError('saveCheckpoint: state', 'an object { models?, optimizers?, step, rng?, extra? }', state);
  checkKeys('saveCheckpoint: state', state, CHECKPOINT_STATE_KEYS);
  if (!Number.isInteger(state.step) || state.step < 0) throw new InvalidArgumentError('saveCheckpoint: state.step', 'a non-negative integer', state.step);
  const keep = o.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 0) throw new InvalidArgumentError('saveCheckpoint: options.keep', 'a non-negative integer', keep);
  const allowNonFinite = o.allowNonFinite ?? false;
  if (typeof allowNonFinite !== 'boolean') throw new InvalidArgumentError('saveCheckpoint: options.allowNonFinite', 'a boolean', allowNonFinite);
  for (const [name, model] of Object.entries(state.models ?? {})) {
    assertSafeName('saveCheckpoint: state.models', name);
    if (!(model instanceof tfl.LayersModel)) throw new InvalidArgumentError(`saveCheckpoint: state.models.${name}`, 'a tf.LayersModel', model);
  }
  for (const [name, opt] of Object.entries(state.optimizers ?? {})) {
    assertSafeName('saveCheckpoint: state.optimizers', name);
    if (!(opt instanceof tf.Optimizer)) throw new InvalidArgumentError(`saveCheckpoint: state.optimizers.${name}`, 'a tf.Optimizer', opt);
  }
  for (const [name, rng] of Object.entries(state.rng ?? {})) {
    if (typeof (rng as SeededRandom | undefined)?.getState !== 'function') throw new InvalidArgumentError(`saveCheckpoint: state.rng.${name}`, 'a SeededRandom', rng);
  }
  assertJsonSafe('saveCheckpoint: state.extra', state.extra);

  // 1. encode everything on the host (and check it) before touching the disk
  const json: CheckpointJSON = {
    format: FORMAT,
    version: VERSION,
    step: state.step,
    savedAt: new Date().toISOString(),
    models: {},
    optimizers: {},
    rng: {},
    extra: state.extra ?? null,
    files: {},
  };
  const files: { rel: string; bytes: Uint8Array | string }[] = [];
  for (const [name, model] of Object.entries(state.models ?? {})) {
    const artifacts = await modelArtifacts(model);
    const encoded = encodeModelFiles(artifacts);
    if (!allowNonFinite) assertFiniteWeights(`state.models.${name}`, encoded.weights, artifacts.weightSpecs ?? []);
    const path = `models/${name}`;
    // weights first, model.json last, as fileSystemIO does
    files.push({ rel: `${path}/weights.bin`, bytes: encoded.weights }, { rel: `${path}/model.json`, bytes: encoded.modelJSON });
    json.models[name] = { path, weights: model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })) };
  }
  for (const [name, opt] of Object.entries(state.optimizers ?? {})) {
    const named = await opt.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    tf.dispose(named.filter((n) => n.name === 'iter').map((n) => n.tensor)); // a fresh scalar, the rest are live slots
    const bytes = weightDataToBuffer(data);
    if (!allowNonFinite) assertFiniteWeights(`state.optimizers.${name}`, bytes, specs);
    const path = `optimizers/${name}.bin`;
    files.push({ rel: path, bytes });
    json.optimizers[name] = { path, className: opt.getClassName(), specs, accumulators: await readAccumulators(opt) };
  }
  for (const [name, rng] of Object.entries(state.rng ?? {})) json.rng[name] = rng.getState();

  // 2. write durably into a temporary directory, then rename it into place
  const root = resolve(dir);
  try {
    if ((await exists(root)) && !(await isDirectory(root))) {
      throw new InvalidArgumentError('saveCheckpoint: dir', 'a checkpoint directory', root, `${root} is a file, not a directory`);
    }
    await mkdir(root, { recursive: true });
  } catch (err) {
    throw fsError(err, 'saveCheckpoint: dir', root, 'a checkpoint directory (or a path where one can be created)');
  }
  const name = stepDirName(state.step);
  const tmp = join(root, `.tmp-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const old = join(root, `${name}.old-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  inFlight.add(tmp);
  inFlight.add(old);
  try {
    const dirs = new Set<string>([tmp]);
    for (const f of files) {
      const target = join(tmp, ...f.rel.split('/'));
      for (let d = dirname(target); d !== tmp && !dirs.has(d); d = dirname(d)) dirs.add(d);
      await mkdir(dirname(target), { recursive: true });
      await writeFileDurable(target, f.bytes);
      json.files![f.rel] = { size: typeof f.bytes === 'string' ? Buffer.byteLength(f.bytes) : f.bytes.byteLength, sha256: sha256(f.bytes) };
    }
    const body = JSON.stringify(json, null, 1);
    json.checksum = sha256(body);
    await writeFileDurable(join(tmp, 'checkpoint.json'), JSON.stringify(json, null, 1));
    // deepest first, so each directory's entries are durable before its parent's
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fsyncDirectory(d);

    const final = join(root, name);
    if (await exists(final)) {
      // re-saving a step: move the old copy aside first so a crash never leaves no copy at all
      await rename(final, old);
      await rename(tmp, final);
      await fsyncDirectory(root);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, final);
      await fsyncDirectory(root);
    }
    await writeFileAtomic(join(root, 'latest.json'), JSON.stringify({ step: state.step, path: name }));
    await cleanStale(root);
    if (keep > 0) await prune(root, keep, state.step);
    return final;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw fsError(err, 'saveCheckpoint: dir', root, 'a writable checkpoint directory');
  } finally {
    inFlight.delete(tmp);
    inFlight.delete(old);
  }
}

/** The process id a `.tmp-…`, `….tmp-…` or `.old-…` entry was created by, if its name carries one. */
function entryPid(name: string): number | undefined {
  const pid = (/^\.tmp-step-\d+-(\d+)-/.exec(name) ?? /\.tmp-(\d+)-[a-z0-9]+$/.exec(name))?.[1] ?? OLD_RE.exec(name)?.[2];
  return pid === undefined ? undefined : Number(pid);
}

/** True when the process that created `name` is gone (or is this one and the entry is not in flight). */
function isStale(full: string, name: string): boolean {
  if (inFlight.has(full)) return false;
  const pid = entryPid(name);
  if (pid === undefined) return true;
  // this process's own step directories are tracked in `inFlight`; its latest.json temporaries are
  // not (a concurrent save may be writing one), and writeFileAtomic removes them itself on failure
  if (pid === process.pid) return name.startsWith('.tmp-') || OLD_RE.test(name);
  try {
    process.kill(pid, 0);
    return false; // alive: possibly another process saving right now
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes temporary entries left by dead processes. A moved-aside
 * `step-X.old-*` whose `step-X` is missing (a re-save killed between its two
 * renames) is the only copy of that step: it is restored if it verifies.
 */
async function cleanStale(root: string): Promise<void> {
  for (const e of await readdir(root)) {
    const full = join(root, e);
    const isTmp = e.startsWith('.tmp-') || /\.tmp-\d+-[a-z0-9]+$/.test(e);
    const old = OLD_RE.exec(e);
    if ((!isTmp && !old) || !isStale(full, e)) continue;
    if (old) {
      const stepDir = join(root, old[1]!);
      if (!(await exists(stepDir))) {
        const ok = await readStepJson(full).then((json) => verifyFiles(full, json)).then(() => true, () => false);
        if (ok && (await rename(full, stepDir).then(() => true, () => false))) continue;
      }
    }
    await rm(full, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function prune(root: string, keep: number, current: number): Promise<void> {
  const steps: { step: number; path: string }[] = [];
  for (const e of await readdir(root)) {
    const m = STEP_RE.exec(e);
    if (m && Number(m[1]) !== current) steps.push({ step: Number(m[1]), path: join(root, e) });
  }
  steps.sort((a, b) => a.step - b.step);
  const excess = steps.length - (keep - 1);
  for (const s of steps.slice(0, Math.max(0, excess))) await rm(s.path, { recursive: true, force: true });
}

/** A step that cannot be loaded: `reason` names the file and the failed check. */
class StepProblem extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A relative path inside the step directory (no `..`, not absolute). */
const isSafeRel = (p: unknown): p is string =>
  typeof p === 'string' && p.length > 0 && !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && p.split(/[/\\]/).every((s) => s !== '..' && s !== '');

/** Reads, parses and checks `checkpoint.json` of step directory `path` (not the files it lists). */
async function readStepJson(path: string): Promise<CheckpointJSON> {
  let text: string;
  try {
    text = await readFile(join(path, 'checkpoint.json'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StepProblem(code === 'ENOENT' ? 'checkpoint.json is missing' : `checkpoint.json cannot be read (${code ?? (err as Error).message})`);
  }
  let json: CheckpointJSON;
  try {
    json = JSON.parse(text) as CheckpointJSON;
  } catch {
    throw new StepProblem(`checkpoint.json is not valid JSON (torn write?), ${text.length} bytes`);
  }
  if (!isObject(json)) throw new StepProblem('checkpoint.json does not hold an object');
  if (json.format !== FORMAT) throw new StepProblem(`checkpoint.json: format is ${describeValue(json.format)}, not "${FORMAT}"`);
  if (!Number.isInteger(json.version) || json.version < 1) throw new StepProblem(`checkpoint.json: invalid version ${describeValue(json.version)}`);
  if (json.version > VERSION) throw new StepProblem(`checkpoint.json: format version ${json.version} is newer than this segaware reads (${VERSION})`);
  if (json.version >= 2) {
    const { checksum, ...rest } = json;
    if (typeof checksum !== 'string' || checksum !== sha256(JSON.stringify(rest, null, 1))) {
      throw new StepProblem('checkpoint.json: SHA-256 differs from its checksum (content changed)');
    }
    if (!isObject(json.files)) throw new StepProblem('checkpoint.json: the file manifest is missing');
  }
  if (!Number.isInteger(json.step) || json.step < 0) throw new StepProblem(`checkpoint.json: invalid step ${describeValue(json.step)}`);
  if (!isObject(json.models) || !isObject(json.optimizers) || !isObject(json.rng)) throw new StepProblem('checkpoint.json: models, optimizers or rng is not an object');
  return json;
}

/**
 * Reads every file the manifest lists and checks its size and SHA-256.
 * Returns a reader for the step's files: from the verified bytes (version 2)
 * or straight from disk (version 1, unverified).
 */
async function verifyFiles(path: string, json: CheckpointJSON): Promise<(rel: string) => Promise<Uint8Array>> {
  const fromDisk = async (rel: string) => {
    if (!isSafeRel(rel)) throw new StepProblem(`checkpoint.json names an invalid file path ${describeValue(rel)}`);
    try {
      return await readFile(join(path, ...rel.split(/[/\\]/)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new StepProblem(code === 'ENOENT' ? `${rel} is missing` : `${rel} cannot be read (${code ?? (err as Error).message})`);
    }
  };
  if (json.version < 2) return fromDisk;
  const verified = new Map<string, Uint8Array>();
  for (const [rel, entry] of Object.entries(json.files!)) {
    if (!isObject(entry) || !Number.isInteger(entry.size) || typeof entry.sha256 !== 'string') throw new StepProblem(`checkpoint.json: invalid manifest entry for ${rel}`);
    const bytes = await fromDisk(rel);
    if (bytes.byteLength !== entry.size) {
      throw new StepProblem(`${rel} has ${bytes.byteLength} bytes but the manifest says ${entry.size} (truncated or extended)`);
    }
    if (sha256(bytes) !== entry.sha256) throw new StepProblem(`${rel}: SHA-256 differs from the manifest (content changed)`);
    verified.set(rel.replace(/\\/g, '/'), bytes);
  }
  return async (rel: string) => {
    const bytes = verified.get(rel.replace(/\\/g, '/'));
    if (!bytes) throw new StepProblem(`${rel} is not listed in the manifest of checkpoint.json`);
    return bytes;
  };
}

const toArrayBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function decode(rel: string, data: ArrayBuffer, specs: tf.io.WeightsManifestEntry[]): tf.NamedTensorMap {
  const expected = expectedWeightBytes(specs);
  if (expected !== undefined && expected !== data.byteLength) {
    throw new StepProblem(`${rel} holds ${data.byteLength} bytes of weights but their specs describe ${expected} (truncated or extended)`);
  }
  try {
    return tf.io.decodeWeights(data, specs);
  } catch (err) {
    throw new StepProblem(`${rel} cannot be decoded: ${(err as Error).message}`);
  }
}

function validSpecs(rel: string, specs: unknown): tf.io.WeightsManifestEntry[] {
  const ok =
    Array.isArray(specs) &&
    specs.every((s) => isObject(s) && typeof s.name === 'string' && typeof s.dtype === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0));
  if (!ok) throw new StepProblem(`${rel}: invalid weight specs`);
  return specs as tf.io.WeightsManifestEntry[];
}

/** What {@link loadCheckpoint} restores in place: models, optimizers and RNGs by their saved names (all optional). */
export interface LoadCheckpointTarget {
  models?: Record<string, tfl.LayersModel>;
  optimizers?: Record<string, tf.Optimizer>;
  rng?: Record<string, SeededRandom>;
}

/** Everything a load assigns, decoded and checked; nothing assigned yet. */
interface Prepared {
  json: CheckpointJSON;
  models: [tfl.LayersModel, tf.Tensor[]][];
  optimizers: [tf.Optimizer, { name: string; tensor: tf.Tensor }[], Record<string, number> | undefined][];
  rng: [SeededRandom, RandomState][];
  /** every decoded tensor (disposed after the commit or on failure) */
  owned: tf.Tensor[];
}

/**
 * Verifies and decodes step `path` for `target`. Throws StepProblem when the
 * step is corrupt (the caller may fall back to an older one) and
 * MismatchError when the intact step does not fit the target (no fallback:
 * an older step of the same run would not fit either).
 */
async function prepareStep(path: string, target: LoadCheckpointTarget): Promise<Prepared> {
  const json = await readStepJson(path);
  const read = await verifyFiles(path, json);
  const prepared: Prepared = { json, models: [], optimizers: [], rng: [], owned: [] };
  try {
    for (const [name, model] of Object.entries(target.models ?? {})) {
      const saved = json.models[name];
      if (!saved) throw new MismatchError(`segaware: checkpoint ${path} has no model "${name}" (it has: ${Object.keys(json.models).join(', ') || 'none'})`);
      if (!isObject(saved) || !isSafeRel(saved.path)) throw new StepProblem(`checkpoint.json: invalid entry for model "${name}"`);
      const base = saved.path.replace(/\\/g, '/');
      const jsonRel = `${base}/model.json`;
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(new TextDecoder().decode(await read(jsonRel))) as tf.io.ModelJSON;
      } catch (err) {
        if (err instanceof StepProblem) throw err;
        throw new StepProblem(`${jsonRel} is not valid JSON (torn write?)`);
      }
      const manifest = (modelJSON as { weightsManifest?: unknown })?.weightsManifest;
      if (!Array.isArray(manifest) || !manifest.every((g) => isObject(g) && Array.isArray(g.paths) && g.paths.every(isSafeRel))) {
        throw new StepProblem(`${jsonRel}: invalid weightsManifest`);
      }
      const buffers: ArrayBuffer[] = [];
      const specs: tf.io.WeightsManifestEntry[] = [];
      for (const group of manifest as tf.io.WeightsManifestConfig) {
        for (const p of group.paths) buffers.push(toArrayBuffer(await read(`${base}/${p}`)));
        specs.push(...validSpecs(jsonRel, group.weights));
      }
      const map = decode(`${base}/weights.bin`, tf.io.concatenateArrayBuffers(buffers), specs);
      prepared.owned.push(...Object.values(map));
      const tensors = specs.map((s) => map[s.name]);
      if (tensors.some((t) => t === undefined) || Object.keys(map).length !== specs.length) throw new StepProblem(`${jsonRel}: duplicate weight names`);
      const expected = model.weights;
      if (expected.length !== tensors.length) {
        throw new MismatchError(`segaware: model "${name}" has ${expected.length} weight tensors but checkpoint ${path} has ${tensors.length}`);
      }
      expected.forEach((w, i) => {
        const got = tensors[i]!.shape;
        if (w.shape.length !== got.length || w.shape.some((d, j) => d !== got[j])) {
          throw new MismatchError(
            `segaware: model "${name}" weight ${i} (${w.originalName}) has shape [${w.shape}] but checkpoint ${path} stores ${specs[i]!.name} with shape [${got}]`,
          );
        }
      });
      prepared.models.push([model, tensors as tf.Tensor[]]);
    }
    for (const [name, opt] of Object.entries(target.optimizers ?? {})) {
      const saved = json.optimizers[name];
      if (!saved) throw new MismatchError(`segaware: checkpoint ${path} has no optimizer "${name}" (it has: ${Object.keys(json.optimizers).join(', ') || 'none'})`);
      if (!isObject(saved) || !isSafeRel(saved.path) || typeof saved.className !== 'string') throw new StepProblem(`checkpoint.json: invalid entry for optimizer "${name}"`);
      if (saved.className !== opt.getClassName()) {
        throw new MismatchError(`segaware: optimizer "${name}" is a ${opt.getClassName()} but checkpoint ${path} stores a ${saved.className}`);
      }
      const specs = validSpecs(saved.path, saved.specs);
      const map = decode(saved.path, toArrayBuffer(await read(saved.path)), specs);
      prepared.owned.push(...Object.values(map));
      const named = specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
      if (named.some((n) => n.tensor === undefined) || Object.keys(map).length !== specs.length) throw new StepProblem(`${saved.path}: duplicate weight names`);
      const acc = saved.accumulators;
      if (acc !== undefined && (!isObject(acc) || Object.values(acc).some((v) => typeof v !== 'number' || !Number.isFinite(v)))) {
        throw new StepProblem(`checkpoint.json: invalid accumulators of optimizer "${name}"`);
      }
      prepared.optimizers.push([opt, named, acc]);
    }
    for (const [name, rng] of Object.entries(target.rng ?? {})) {
      const s = json.rng[name];
      if (s === undefined) throw new MismatchError(`segaware: checkpoint ${path} has no RNG state "${name}"`);
      if (!isRandomState(s)) throw new StepProblem(`checkpoint.json: invalid RNG state "${name}": ${describeValue(s)}`);
      prepared.rng.push([rng, s]);
    }
  } catch (err) {
    tf.dispose(prepared.owned);
    throw err;
  }
  return prepared;
}

/** Assigns a prepared step; nothing here reads the disk or can fail on the data. */
async function commit(p: Prepared): Promise<void> {
  for (const [model, tensors] of p.models) model.setWeights(tensors);
  for (const [opt, named, accumulators] of p.optimizers) {
    const previous = await opt.getWeights();
    await opt.setWeights(named);
    writeAccumulators(opt, accumulators);
    // setWeights replaces the slot variables: free the old ones
    tf.dispose(previous.map((x) => x.tensor));
  }
  for (const [rng, state] of p.rng) rng.setState(state);
  tf.dispose(p.owned);
}

/** A step directory given explicitly (rather than a run directory holding steps). */
async function isStepDirectory(root: string): Promise<boolean> {
  if (await exists(join(root, 'checkpoint.json'))) return true;
  if (!STEP_RE.test(basename(root)) && !OLD_RE.test(basename(root))) return false;
  if (await exists(join(root, 'latest.json'))) return false;
  const entries = await readdir(root).catch(() => [] as string[]);
  return !entries.some((e) => STEP_RE.test(e));
}

/**
 * The step directories of run directory `root` to try, newest first:
 * `latest.json`'s step, then older ones (and `step-X.old-*` copies after
 * `step-X`). Steps newer than a readable `latest.json` are left out (a save
 * that never completed, or an abandoned branch of a resumed run). Problems
 * with `latest.json` itself are returned as skipped entries.
 */
async function listCandidates(root: string): Promise<{ candidates: string[]; skipped: SkippedCheckpoint[] }> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    throw fsError(err, 'loadCheckpoint: dir', root, 'a readable checkpoint directory');
  }
  const skipped: SkippedCheckpoint[] = [];
  const found: { step: number; path: string; old: boolean; mtime: number }[] = [];
  for (const e of entries) {
    const m = STEP_RE.exec(e) ?? OLD_RE.exec(e);
    if (!m) continue;
    const s = await stat(join(root, e)).catch(() => null);
    if (!s?.isDirectory()) continue;
    found.push({ step: Number(/\d+/.exec(e)![0]), path: join(root, e), old: !STEP_RE.test(e), mtime: s.mtimeMs });
  }
  let newest = Infinity;
  const latestPath = join(root, 'latest.json');
  let text: string | undefined;
  try {
    text = await readFile(latestPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push({ path: latestPath, reason: `latest.json cannot be read (${(err as NodeJS.ErrnoException).code})` });
  }
  if (text !== undefined) {
    let latest: unknown;
    try {
      latest = JSON.parse(text);
    } catch {
      latest = undefined;
    }
    const p = isObject(latest) ? latest.path : undefined;
    if (typeof p !== 'string' || !STEP_RE.test(p)) {
      skipped.push({ path: latestPath, reason: 'latest.json is not valid (torn write?); scanning the step directories' });
    } else {
      newest = Number(STEP_RE.exec(p)![1]);
      if (!found.some((f) => f.path === join(root, p))) skipped.push({ path: join(root, p), reason: 'named by latest.json but missing' });
    }
  }
  const candidates = found
    .filter((f) => f.step <= newest)
    .sort((a, b) => b.step - a.step || Number(a.old) - Number(b.old) || b.mtime - a.mtime)
    .map((f) => f.path);
  return { candidates, skipped };
}

/**
 * Path of the newest intact checkpoint under `dir` — the step `latest.json`
 * names, or the newest older step (or complete `step-X.old-*` copy left by
 * an interrupted re-save) whose `checkpoint.json` parses and whose files match
 * their manifest sizes and SHA-256 (version 1 checkpoints: whose
 * `checkpoint.json` parses) — or null if there is none. Reads every file of
 * the step it returns.
 */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  if (typeof dir !== 'string' || !dir) throw new InvalidArgumentError('latestCheckpoint: dir', 'a directory path', dir);
  const root = resolve(dir);
  if (!(await isDirectory(root))) return null;
  const { candidates } = await listCandidates(root).catch(() => ({ candidates: [] as string[] }));
  for (const c of candidates) {
    const ok = await readStepJson(c).then((json) => verifyFiles(c, json)).then(() => true, (err) => {
      if (err instanceof StepProblem) return false;
      throw err;
    });
    if (ok) return c;
  }
  return null;
}

/**
 * Loads the newest intact checkpoint under `dir` (or the step directory `dir`
 * itself) into the given models and optimizers, restores the given RNGs, and
 * returns the step and extras.
 *
 * Verification (format version 2): every file of the step must have the size
 * and SHA-256 its manifest records, and `checkpoint.json` its own checksum;
 * version 1 checkpoints (written before the manifest) load without
 * verification. All or nothing: every model's and optimizer's weights and
 * every RNG state are verified and decoded before anything is assigned, so a
 * load that throws leaves the targets as they were.
 *
 * Fallback: given a run directory, a step that fails verification or parsing
 * (missing, torn, truncated, extended or changed files, undecodable weights)
 * is skipped and the next-newest is tried, including a complete
 * `step-X.old-*` copy left by an interrupted re-save. The skipped steps are
 * returned in `skipped` and each is reported with one `console.warn` line
 * (unless `options.quiet`). Given a step directory, there is no fallback.
 *
 * Models are matched by name; their weights must agree in count and shape
 * with the saved ones (compared in `model.weights` order) — otherwise a
 * {@link MismatchError} names the first disagreement (no fallback: an older
 * step would not fit either). Optimizers must be of the saved class and get the
 * same variable order when training resumes.
 *
 * @throws NotFoundError if `dir` does not exist or holds no checkpoint.
 * @throws CheckpointCorruptError if no step is intact (listing every step
 *   tried and its reason in `steps`), or the step directory given is corrupt
 *   (naming the file and the reason).
 * @throws MismatchError if the checkpoint does not fit the targets.
 * @throws InvalidArgumentError if `dir` is a file or cannot be read.
 * @example
 * const { step, skipped } = await loadCheckpoint('runs/dfs/ckpt', { models: { G, D }, optimizers: { gOpt, dOpt }, rng: { data: rng } });
 */
export async function loadCheckpoint(dir: string, target: LoadCheckpointTarget = {}, options?: LoadCheckpointOptions): Promise<LoadedCheckpoint> {
  const o = checkOptions('loadCheckpoint', options, LOAD_CHECKPOINT_KEYS);
  if (typeof dir !== 'string' || !dir) throw new InvalidArgumentError('loadCheckpoint: dir', 'a directory path', dir);
  if (!isObject(target)) throw new InvalidArgumentError('loadCheckpoint: target', 'an object { models?, optimizers?, rng? }', target);
  checkKeys('loadCheckpoint: target', target, LOAD_TARGET_KEYS);
  for (const [name, model] of Object.entries(target.models ?? {})) {
    if (!(model instanceof tfl.LayersModel)) throw new InvalidArgumentError(`loadCheckpoint: target.models.${name}`, 'a tf.LayersModel', model);
  }
  for (const [name, opt] of Object.entries(target.optimizers ?? {})) {
    if (!(opt instanceof tf.Optimizer)) throw new InvalidArgumentError(`loadCheckpoint: target.optimizers.${name}`, 'a tf.Optimizer', opt);
  }
  for (const [name, rng] of Object.entries(target.rng ?? {})) {
    if (typeof (rng as SeededRandom | undefined)?.setState !== 'function') throw new InvalidArgumentError(`loadCheckpoint: target.rng.${name}`, 'a SeededRandom', rng);
  }
  const root = resolve(dir);
  let isDir: boolean;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`segaware: checkpoint directory ${root} does not exist`);
    throw fsError(err, 'loadCheckpoint: dir', root, 'a checkpoint directory');
  }
  if (!isDir) throw new InvalidArgumentError('loadCheckpoint: dir', 'a checkpoint directory (a run directory or a step-… directory)', root, `${root} is a file`);

  const done = async (path: string, p: Prepared, skipped: SkippedCheckpoint[]): Promise<LoadedCheckpoint> => {
    await commit(p);
    if (!o.quiet) for (const s of skipped) console.warn(`segaware: skipped checkpoint ${s.path}: ${s.reason}`);
    return { step: p.json.step, extra: p.json.extra, rng: p.json.rng, path, skipped };
  };

  if (await isStepDirectory(root)) {
    try {
      return await done(root, await prepareStep(root, target), []);
    } catch (err) {
      if (!(err instanceof StepProblem)) throw err;
      throw new CheckpointCorruptError(`segaware: checkpoint ${root} is corrupt: ${err.reason}`, [{ path: root, reason: err.reason }]);
    }
  }
  const { candidates, skipped } = await listCandidates(root);
  if (!candidates.length) {
    const why = skipped.length ? `; ${skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')}` : '';
    throw new NotFoundError(`segaware: no checkpoint in ${root} (expected latest.json or step-*/checkpoint.json)${why}`);
  }
  for (const c of candidates) {
    let p: Prepared;
    try {
      p = await prepareStep(c, target);
    } catch (err) {
      if (!(err instanceof StepProblem)) throw err;
      skipped.push({ path: c, reason: err.reason });
      continue;
    }
    return done(c, p, skipped);
  }
  throw new CheckpointCorruptError(
    `segaware: no intact checkpoint in ${root}: ${skipped.map((s) => `${basename(s.path)}: ${s.reason}`).join('; ')}`,
    skipped,
  );
}
