/**
 * Turning a run log into report curves: one plot per group of keys.
 */
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';
import type { ReportCurve } from './report_types.js';
import { RunLog, type RunLogEntry } from './run_log.js';

/** Options of {@link runLogCurves}. */
export interface RunLogCurvesOptions {
  /** EMA smoothing weight for every plot (default 0.6 for more than 50 points, else 0). */
  smooth?: number;
  /** Plot titles whose y axis is logarithmic. */
  logY?: string[];
}

/** Keys of {@link RunLogCurvesOptions} (checked by {@link runLogCurves}). */
const RUN_LOG_CURVES_KEYS = ['smooth', 'logY'] as const;

/**
 * Builds one {@link ReportCurve} per group: `groups` maps a plot title to the
 * keys it shows, given as names or a regular expression over the keys present
 * in the log. Groups that match no numeric key are left out.
 *
 * @example
 * const curves = runLogCurves(RunLog.read('out/run.jsonl'), {
 *   discriminator: /^d_/,
 *   generator: ['g_total', 'g_l1', 'g_seg'],
 *   'learning rate': ['lr'],
 *   'live tensors': ['numTensors'],
 * });
 * await writeReport('out', { title: 'run', curves });
 */
export function runLogCurves(
  entries: ReadonlyArray<RunLogEntry>,
  groups: Record<string, ReadonlyArray<string> | RegExp>,
  options?: RunLogCurvesOptions,
): ReportCurve[] {
  const o = checkOptions('runLogCurves', options, RUN_LOG_CURVES_KEYS);
  if (!Array.isArray(entries)) throw new InvalidArgumentError('runLogCurves: entries', 'an array of RunLog entries', entries);
  if (groups == null || typeof groups !== 'object') throw new InvalidArgumentError('runLogCurves: groups', 'an object of title → keys or RegExp', groups);
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    for (const [k, v] of Object.entries(e)) {
      if (k === 'step' || k === 'wallTime' || k === 'time' || typeof v !== 'number' || seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  const smooth = o.smooth ?? (entries.length > 50 ? 0.6 : 0);
  if (!(typeof smooth === 'number' && smooth >= 0 && smooth < 1)) throw new InvalidArgumentError('runLogCurves: options.smooth', 'a number in [0, 1)', smooth);
  if (o.logY !== undefined && !Array.isArray(o.logY)) throw new InvalidArgumentError('runLogCurves: options.logY', 'an array of plot titles', o.logY);
  const logY = new Set(o.logY ?? []);
  const curves: ReportCurve[] = [];
  for (const [title, sel] of Object.entries(groups)) {
    let chosen: string[];
    if (sel instanceof RegExp) chosen = keys.filter((k) => sel.test(k));
    else if (Array.isArray(sel)) chosen = sel.filter((k) => seen.has(k));
    else throw new InvalidArgumentError(`runLogCurves: groups[${JSON.stringify(title)}]`, 'an array of keys or a RegExp', sel);
    if (chosen.length === 0) continue;
    curves.push({ title, series: chosen.map((k) => ({ name: k, ...RunLog.series(entries, k) })), smooth, logY: logY.has(title) });
  }
  return curves;
}
