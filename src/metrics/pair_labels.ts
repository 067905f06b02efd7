/**
 * How an image metric names its inputs in errors (`fn: prediction`, `fn: target`,
 * `fn: prediction/target`, `owner: options.dataRange`), so a function and an accumulator
 * sharing one code path each report under their own name.
 */

/** The error labels of one metric call. */
export interface PairLabels {
  /** the public function or `Class.method` called, e.g. `'ssim'`, `'SsimMetric.update'` */
  fn: string;
  prediction: string;
  target: string;
  /** where `dataRange` was given: `'ssim: options.dataRange'`, `'SsimMetric: options.dataRange'` */
  dataRange: string;
}

/**
 * Labels for a call of `fn` whose options belong to `owner` (default `fn`; an accumulator's
 * options belong to its constructor).
 *
 * @example pairLabels('SsimMetric.update', 'SsimMetric').dataRange // 'SsimMetric: options.dataRange'
 */
export function pairLabels(fn: string, owner = fn): PairLabels {
  return { fn, prediction: `${fn}: prediction`, target: `${fn}: target`, dataRange: `${owner}: options.dataRange` };
}
