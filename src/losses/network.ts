/** Networks called by the composite and consistency losses. */
import { tfl } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * A network a composite or consistency loss calls: a `tf.LayersModel` (called as
 * `model.apply(x)`, i.e. dropout and batch norm in inference mode) or any function
 * `(x) => output` — wrap a model as `(x) => model.apply(x, { training: true })` to run it in
 * training mode. Multi-scale discriminators return an array (one logits tensor per scale).
 *
 * @example
 * const D: LossNetwork = (x) => discriminator.apply(x, { training: true }) as tf.Tensor;
 */
export type LossNetwork = tfl.LayersModel | ((x: Tensor) => Tensor | Tensor[]);

/** Runs a {@link LossNetwork} eagerly (differentiably) on `x`; `name` labels a wrong `net` (internal). */
export function callNetwork(name: string, net: LossNetwork, x: Tensor): Tensor | Tensor[] {
  if (typeof net === 'function') return net(x);
  if (net instanceof tfl.LayersModel) return net.apply(x) as Tensor | Tensor[];
  throw new InvalidArgumentError(name, 'a tf.LayersModel or a function (x) => tensor', net);
}

/** Runs a network that must return one tensor (internal). */
export function callSingle(name: string, net: LossNetwork, x: Tensor): Tensor {
  const out = callNetwork(name, net, x);
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new InvalidArgumentError(`${name} output`, 'a single tensor', `${out.length} tensors`);
    return out[0]!;
  }
  return out;
}
