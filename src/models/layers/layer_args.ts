/**
 * The unknown-key check of the custom layers' constructors. A layer's
 * constructor receives both what a user writes (`new InstanceNormalization({
 * affine: true })`) and, when a saved model is loaded, the config its
 * `getConfig()` wrote — so the valid keys are the layer's own plus every
 * base `LayerArgs` key tfjs-layers passes through.
 */
import { checkOptions } from '../../validate.js';

/**
 * The `LayerArgs` keys of tfjs-layers (`name`, `trainable`, `inputShape`,
 * `batchInputShape`, `batchSize`, `dtype`, `weights`, `inputDType`), plus
 * `customObjects`, which `tf.loadLayersModel` adds to every saved config before
 * calling `fromConfig`.
 */
export const LAYER_BASE_KEYS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'weights', 'inputDType', 'customObjects'] as const;

/**
 * `checkOptions(className, args, [...own, ...LAYER_BASE_KEYS])`: a misspelled
 * key (`new GroupNormalization({ group: 8 })`) throws an InvalidArgumentError
 * labelled `GroupNormalization: options.group` naming the nearest key, instead
 * of building the layer with the default.
 *
 * @example super(checkLayerArgs('GroupNormalization', args, ['groups', 'epsilon', 'affine']));
 */
export function checkLayerArgs<T extends object>(className: string, args: T | undefined, own: readonly string[]): T {
  return checkOptions(className, args, [...own, ...LAYER_BASE_KEYS]);
}
