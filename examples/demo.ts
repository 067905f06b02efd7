/**
 * `npm run demo`: the DFS experiment (examples/dfs) on built-in synthetic
 * foggy street scenes, at a scale that finishes in minutes on 2 CPU cores with
 * the wasm backend. Prints the DFS poster's table — Hazy / Dehaze / DFS /
 * GT (clear) — and the path of the HTML report. Extra flags are passed to the
 * DFS command, e.g. `npm run demo -- --steps 400 --out runs/demo2`.
 */
import { dfsCommand } from './dfs/main.js';

const DEMO = ['--size', '64x128', '--seg-steps', '150', '--steps', '200', '--batch', '4', '--train-count', '200', '--test-count', '40', '--checkpoint-every', '50', '--out', 'runs/demo'];

console.log('segaware demo — dehazing for segmentation (DFS) on synthetic foggy street scenes');
console.log('segmenter on clear images → dehazer without L_seg ("Dehaze") → same dehazer with L_seg ("DFS") → held-out evaluation\n');
await dfsCommand().parseAsync([process.argv[0]!, 'demo', ...DEMO, ...process.argv.slice(2)]);
