/** What one `segawareFixtures.run(backend, fixtures)` call returns from the page (plain data, through Playwright). */
export interface PageRun {
  /** The backend that actually ran (`tf.getBackend()` after the run). */
  backend: string;
  /** The WebGL renderer on webgl (SwiftShader under the test flags), else null. */
  renderer: string | null;
  /** The tfjs webgl flags that matter for precision (empty on cpu). */
  flags: Record<string, number | boolean>;
  /** Per case name, the tensors its second call left alive (only cases that leak are listed). */
  leaks: Record<string, number>;
  /** Per case name: the computed values, or the error it threw; and its time. */
  results: Record<string, { values?: number[]; error?: string; ms: number }>;
  /** Wall time of the whole run in the page. */
  ms: number;
}
