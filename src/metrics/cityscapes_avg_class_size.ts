/**
 * The average instance sizes (pixels) of the Cityscapes benchmark, used to weight
 * instance-level IoU (iIoU).
 */

/**
 * `avgClassSize` of cityscapesScripts `evaluation/evalPixelLevelSemanticLabeling.py`:
 * the mean pixel area of the ground-truth instances of each instance class over the
 * training set. In iIoU every pixel of a GT instance of size `s` and class `c` is
 * weighted by `CITYSCAPES_AVG_CLASS_SIZE[c] / s`. (caravan and trailer are listed
 * but ignored in evaluation.)
 *
 * @example CITYSCAPES_AVG_CLASS_SIZE.car // 12794.0202738185
 */
export const CITYSCAPES_AVG_CLASS_SIZE: Readonly<Record<string, number>> = Object.freeze({
  bicycle: 4672.3249222261,
  caravan: 36771.8241758242,
  motorcycle: 6298.7200839748,
  rider: 3930.4788056518,
  bus: 35732.1511111111,
  train: 67583.7075812274,
  car: 12794.0202738185,
  person: 3462.4756337644,
  truck: 27855.1264367816,
  trailer: 16926.9763313609,
});
