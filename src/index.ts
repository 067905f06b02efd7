/**
 * segaware — segmentation-aware image restoration on TensorFlow.js.
 *
 * The Node build of `segaware` (the `node` condition of the package's `exports`): the
 * platform-neutral core plus the Node additions, i.e. exactly `segaware/node` (`./node.ts`,
 * which re-exports every name of `./core.ts` and shadows the few it replaces with their Node
 * versions, e.g. `initBackend`). It is one `export *` of `./node.js`, not a star export of both
 * `./core.js` and `./node.js`: two star exports of one name bound differently (`initBackend`)
 * would be ambiguous, and ES modules drop such a name silently. Browsers get `./core.ts`.
 *
 * @packageDocumentation
 */
export * from './node.js';
