/** Types of `./check-browser-bundle.mjs` (for `test/browser_bundle.test.ts`). */
export interface BrowserBundleViolation {
  /** the import specifier, e.g. `node:fs` or `sharp` */
  specifier: string;
  /** the module that imports it, relative to the working directory */
  importer: string;
  /** the chain of imports from the entry to `importer` */
  chain: string[];
}
export interface BrowserBundleReport {
  violations: BrowserBundleViolation[];
  /** esbuild errors other than Node-only imports (unresolvable modules, syntax) */
  errors: string[];
  /** modules in the bundle */
  inputs: number;
  /** size of the unminified bundle */
  bytes: number;
}
export const NODE_ONLY_PACKAGES: string[];
export function isNodeOnly(specifier: string): boolean;
export function checkBrowserBundle(entry: string): Promise<BrowserBundleReport>;
export function formatViolations(report: BrowserBundleReport): string[];
