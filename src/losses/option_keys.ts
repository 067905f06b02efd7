/**
 * The list of option keys a loss accepts, checked against its options interface at compile time
 * in both directions (no stray key, none forgotten), so `checkOptions` and the interface cannot
 * drift apart (internal).
 *
 * @example
 * export const FOCAL_LOSS_KEYS = optionKeys<FocalLossOptions>()(['gamma', 'alpha', 'ignoreIndex', 'reduction', 'validateLabels']);
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & (Exclude<keyof T, K[number]> extends never ? unknown : { missing: Exclude<keyof T, K[number]> })): K => keys;
}
