/**
 * The `dataRange` option every image metric requires (free of tfjs so worker threads can
 * load it).
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber } from '../validate.js';

/**
 * Validates `dataRange` (required, positive, finite) and returns it. Errors are labelled
 * `owner: options.dataRange`.
 *
 * @param owner the function or class whose options hold it, e.g. `'ssim'`, `'PsnrMetric'`
 * @example checkDataRange('psnr', 255) // 255; checkDataRange('psnr', undefined) throws InvalidArgumentError
 */
export function checkDataRange(owner: string, dataRange: unknown): number {
  const label = `${owner}: options.dataRange`;
  if (dataRange === undefined) {
    throw new InvalidArgumentError(label, 'a positive number (e.g. 1 for [0,1] images, 255 for uint8, 2 for [-1,1])', undefined, 'dataRange is required: it cannot be guessed from the data');
  }
  assertNumber(label, dataRange, { min: 0, exclusiveMin: true });
  return dataRange;
}
