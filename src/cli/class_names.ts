/**
 * The class names printed by `eval seg`: `--class-names`, else the Cityscapes train
 * classes for K = 19, else `class <i>`.
 */
import { InvalidArgumentError as CommanderArgError } from 'commander';
import { CITYSCAPES_NUM_CLASSES, CITYSCAPES_TRAIN_CLASSES } from '../data/cityscapes_labels.js';

/**
 * Parses `--class-names a,b,c` (comma separated, trimmed, none empty).
 *
 * @throws commander's InvalidArgumentError (commander then names the flag and the value)
 * @example parseClassNames('road, car ,sky') // ['road', 'car', 'sky']
 */
export function parseClassNames(v: string): string[] {
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new CommanderArgError('--class-names must be a comma-separated list of non-empty names, e.g. road,car,sky');
  return names;
}

/**
 * The `k` names to print: `given` (must have `k` entries), the 19 Cityscapes train class
 * names in trainId order when `k` is 19, else `class 0 … class k−1`.
 *
 * @param k      number of classes
 * @param given  `--class-names`, if any
 * @throws commander's InvalidArgumentError when `given` has a length other than `k`
 * @example classNames(19)[13] // 'car'
 */
export function classNames(k: number, given?: string[]): string[] {
  if (given) {
    if (given.length !== k) throw new CommanderArgError(`--class-names has ${given.length} names but --classes is ${k}: give one name per class`);
    return given;
  }
  if (k === CITYSCAPES_NUM_CLASSES) return CITYSCAPES_TRAIN_CLASSES.map((c) => c.name);
  return Array.from({ length: k }, (_, c) => `class ${c}`);
}
