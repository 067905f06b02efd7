/**
 * Collecting the trainable `tf.Variable`s an optimizer step may update, from
 * plain variables, tfjs-layers `LayerVariable`s or whole `tf.LayersModel`s.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';

/** What an optimizer step can update: a trainable `tf.Variable`, a tfjs-layers `LayerVariable`, or a model/layer (its trainable weights). */
export type VariableSource =
  | tf.Variable
  | { read(): tf.Tensor; readonly trainable: boolean }
  | { readonly trainableWeights: ReadonlyArray<{ read(): tf.Tensor }> };

/**
 * Flattens `sources` into a de-duplicated list of trainable `tf.Variable`s.
 *
 * - a `tf.Variable` is taken as is (it must be trainable);
 * - a tfjs-layers `LayerVariable` (anything with `read()`) contributes the variable behind it;
 * - a `tf.LayersModel` / `tf.layers.Layer` (anything with `trainableWeights`) contributes its trainable weights.
 *
 * @param name - the argument name used in error messages.
 * @throws InvalidArgumentError if an entry is none of these, a variable is not trainable, or the list is empty.
 * @example
 * const gVars = collectVariables('generatorVariables', [generator]);
 */
export function collectVariables(name: string, sources: VariableSource | ReadonlyArray<VariableSource>): tf.Variable[] {
  const list = Array.isArray(sources) ? (sources as ReadonlyArray<VariableSource>) : [sources as VariableSource];
  const out: tf.Variable[] = [];
  const seen = new Set<number>();
  const push = (v: unknown, where: string) => {
    if (!(v instanceof tf.Variable)) throw new InvalidArgumentError(where, 'a tf.Variable', v);
    if (!v.trainable) throw new InvalidArgumentError(where, 'a trainable variable', `non-trainable variable "${v.name}"`);
    if (!seen.has(v.id)) {
      seen.add(v.id);
      out.push(v);
    }
  };
  list.forEach((src, i) => {
    const where = `${name}[${i}]`;
    if (src instanceof tf.Variable) push(src, where);
    else if (src != null && typeof (src as { read?: unknown }).read === 'function') push((src as { read(): tf.Tensor }).read(), where);
    else if (src != null && Array.isArray((src as { trainableWeights?: unknown }).trainableWeights)) {
      for (const w of (src as { trainableWeights: Array<{ read(): tf.Tensor }> }).trainableWeights) push(w.read(), where);
    } else throw new InvalidArgumentError(where, 'a tf.Variable, a LayerVariable or a model with trainableWeights', src);
  });
  if (out.length === 0) throw new InvalidArgumentError(name, 'at least one trainable variable', sources, 'is the model frozen (trainable = false)?');
  return out;
}

/**
 * The non-trainable variables (batch-norm moving mean/variance, spectral-norm
 * `u`, frozen layers' weights) of the models and layers among `sources`,
 * de-duplicated. Plain variables and `LayerVariable`s contribute nothing: a
 * training step can only protect the state of models it was given.
 *
 * @example
 * collectNonTrainable([unet({ batchNorm: true })]).length; // 2 per batch-norm layer
 */
export function collectNonTrainable(sources: VariableSource | ReadonlyArray<VariableSource>): tf.Variable[] {
  const list = Array.isArray(sources) ? (sources as ReadonlyArray<unknown>) : [sources];
  const out: tf.Variable[] = [];
  const seen = new Set<number>();
  for (const src of list) {
    const weights = src != null && !(src instanceof tf.Variable) ? (src as { nonTrainableWeights?: unknown }).nonTrainableWeights : undefined;
    if (!Array.isArray(weights)) continue;
    for (const w of weights as Array<{ read?: () => tf.Tensor }>) {
      const v = typeof w?.read === 'function' ? w.read() : w;
      if (v instanceof tf.Variable && !seen.has(v.id)) {
        seen.add(v.id);
        out.push(v);
      }
    }
  }
  return out;
}
