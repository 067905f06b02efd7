import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertTensor } from '../validate.js';

/** Throws unless `x` is a float32 tensor; `name` is the error label, e.g. `'l1Loss: prediction'` (internal). */
export function assertFloat(name: string, x: unknown): asserts x is Tensor {
  assertTensor(name, x);
  if (x.dtype !== 'float32') throw new InvalidArgumentError(name, 'a float32 tensor', `dtype ${x.dtype}`);
}
