/**
 * `RunLog`: a JSON-lines record of a training run — one line per logged step
 * with every loss term and metric, the step and the wall time — that survives a
 * kill (each line is appended and flushed synchronously) and continues on resume.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { tf } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';

/** A logged value: numbers (NaN/±Infinity allowed), strings, booleans or null. */
export type RunLogValue = number | string | boolean | null;

/** One line of a run log. */
export interface RunLogEntry {
  /** Training step the values belong to. */
  step: number;
  /** Seconds of wall time since the run started, accumulated across resumes. */
  wallTime: number;
  /** ISO-8601 timestamp of the write. */
  time: string;
  /** Loss terms, metrics, and (with `memory: true`) `numTensors` / `numBytes`. */
  [key: string]: RunLogValue;
}

/** Options of {@link RunLog}. */
export interface RunLogOptions {
  /**
   * Keep the existing file and append to it (default false: start a new log,
   * replacing any file at `path`). Wall time continues from the last entry.
   */
  append?: boolean;
  /**
   * Resume from a checkpoint taken at this step: implies `append` and first
   * drops every existing entry with `step > resumeFrom` (they will be re-run),
   * so the log of a resumed run equals that of an uninterrupted one.
   */
  resumeFrom?: number;
  /** Add `numTensors` and `numBytes` from `tf.memory()` to every entry (default false). */
  memory?: boolean;
}

/** Keys of {@link RunLogOptions} (checked by the {@link RunLog} constructor). */
const RUN_LOG_KEYS = ['append', 'resumeFrom', 'memory'] as const;

const RESERVED = new Set(['step', 'wallTime', 'time']);
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

function encodeValue(v: RunLogValue): RunLogValue {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

function parseLines(text: string, path: string): RunLogEntry[] {
  const out: RunLogEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: Record<string, RunLogValue>;
    try {
      obj = JSON.parse(line) as Record<string, RunLogValue>;
    } catch {
      // a run killed mid-write can leave a torn last line: skip it, reject anything else
      if (i === lines.length - 1 || lines.slice(i + 1).every((l) => l.trim() === '')) return;
      throw new InvalidArgumentError(`${path}:${i + 1}`, 'a JSON object per line', line.slice(0, 80));
    }
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'string' && k !== 'time' && v in NON_FINITE) obj[k] = NON_FINITE[v]!;
    }
    out.push(obj as RunLogEntry);
  });
  return out;
}

/**
 * JSON-lines run log. Each {@link RunLog.log} call appends one line
 * `{"step":…, "wallTime":…, "time":"…", "<term>": value, …}`; NaN and ±Infinity
 * are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and read back
 * as numbers by {@link RunLog.read}.
 *
 * @example
 * const log = new RunLog('out/run.jsonl', { resumeFrom: resumed ? ckptStep : undefined, memory: true });
 * log.log(step, { ...terms, lr });
 * const curves = RunLog.series(RunLog.read('out/run.jsonl'), 'g_total');
 */
export class RunLog {
  /** Path of the JSONL file. */
  readonly path: string;
  private readonly memory: boolean;
  private readonly startMs: number;
  private readonly wallOffset: number;
  private count = 0;

  constructor(path: string, options?: RunLogOptions) {
    const o = checkOptions('RunLog', options, RUN_LOG_KEYS);
    if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('RunLog: path', 'a file path', path);
    const { resumeFrom, memory = false } = o;
    if (resumeFrom !== undefined) assertNumber('RunLog: options.resumeFrom', resumeFrom, { min: 0 });
    const append = o.append ?? resumeFrom !== undefined;
    if (!append && resumeFrom !== undefined) {
      throw new InvalidArgumentError('RunLog: options.append', 'true (or omitted) when resumeFrom is given', false);
    }
    this.path = path;
    this.memory = memory;
    mkdirSync(dirname(path), { recursive: true });
    let previous: RunLogEntry[] = [];
    if (append && existsSync(path)) {
      previous = parseLines(readFileSync(path, 'utf8'), path);
      if (resumeFrom !== undefined) {
        previous = previous.filter((e) => e.step <= resumeFrom);
        const tmp = `${path}.tmp`;
        writeFileSync(tmp, previous.map((e) => RunLog.serialize(e)).join(''));
        renameSync(tmp, path);
      }
    } else {
      writeFileSync(path, '');
    }
    const last = previous[previous.length - 1];
    this.wallOffset = last && typeof last.wallTime === 'number' ? last.wallTime : 0;
    this.count = previous.length;
    this.startMs = performance.now();
  }

  /** Number of entries in the file (including those kept from before a resume). */
  get length(): number {
    return this.count;
  }

  /** Seconds of wall time of this run so far (including time before a resume). */
  get wallTime(): number {
    return this.wallOffset + (performance.now() - this.startMs) / 1000;
  }

  /**
   * Appends one entry for `step` with `values` (every loss term and metric).
   * Returns the entry written.
   *
   * @throws InvalidArgumentError for a negative/non-numeric step, a reserved key
   *   (`step`, `wallTime`, `time`) or a value that is not a number/string/boolean/null.
   */
  log(step: number, values: Record<string, RunLogValue> = {}): RunLogEntry {
    assertNumber('RunLog.log: step', step, { min: 0 });
    if (values == null || typeof values !== 'object') throw new InvalidArgumentError('RunLog.log: values', 'an object of name → value', values);
    const entry: RunLogEntry = { step, wallTime: Number(this.wallTime.toFixed(3)), time: new Date().toISOString() };
    for (const [k, v] of Object.entries(values)) {
      if (RESERVED.has(k)) throw new InvalidArgumentError(`RunLog.log: values.${k}`, 'a key other than step, wallTime, time', k);
      if (v !== null && !['number', 'string', 'boolean'].includes(typeof v)) {
        throw new InvalidArgumentError(`RunLog.log: values.${k}`, 'a number, string, boolean or null', v);
      }
      entry[k] = v;
    }
    if (this.memory) {
      const m = tf.memory();
      entry.numTensors = m.numTensors;
      entry.numBytes = m.numBytes;
    }
    appendFileSync(this.path, RunLog.serialize(entry));
    this.count++;
    return entry;
  }

  /** Every entry of this log, read back from disk. */
  entries(): RunLogEntry[] {
    return RunLog.read(this.path);
  }

  /** One JSONL line (with its newline) for `entry`. */
  static serialize(entry: RunLogEntry): string {
    const enc: Record<string, RunLogValue> = {};
    for (const [k, v] of Object.entries(entry)) enc[k] = encodeValue(v);
    return `${JSON.stringify(enc)}\n`;
  }

  /**
   * Reads a JSONL run log. A torn last line (a run killed mid-write) is skipped.
   *
   * @throws NotFoundError if the file does not exist.
   */
  static read(path: string): RunLogEntry[] {
    if (!existsSync(path)) throw new NotFoundError(`segaware: run log not found: ${path}`);
    return parseLines(readFileSync(path, 'utf8'), path);
  }

  /**
   * The `(step, value)` series of one key, skipping entries that do not have it
   * (or have a non-number there) — ready for a report curve.
   *
   * @example
   * const { x, y } = RunLog.series(entries, 'd_total');
   */
  static series(entries: ReadonlyArray<RunLogEntry>, key: string): { x: number[]; y: number[] } {
    const x: number[] = [];
    const y: number[] = [];
    for (const e of entries) {
      const v = e[key];
      if (typeof v === 'number') {
        x.push(e.step);
        y.push(v);
      }
    }
    return { x, y };
  }
}
