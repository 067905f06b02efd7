/**
 * `npm run demo`: the DFS experiment (examples/dfs) on built-in synthetic
 * foggy street scenes, at a scale that finishes in minutes on 2 CPU cores with
 * the wasm backend. Prints the DFS poster's table — Hazy / Dehaze / DFS /
 * GT (clear) — and the path of the HTML report; the DFS dehazer and the segmenter
 * are also exported for the web page (runs/demo/web-models, examples/web). Extra flags are passed to the
 * DFS command, e.g. `npm run demo -- --steps 400 --out runs/demo2`.
 */
import { dfsCommand } from './dfs/main.js';

const DEMO = ['--size', '64x128', '--seg-steps', '150', '--steps', '200', '--batch', '4', '--train-count', '200', '--test-count', '40', '--checkpoint-every', '50', '--out', 'runs/demo'];

console.log('segaware demo — dehazing for segmentation (DFS) on synthetic foggy street scenes');
console.log('segmenter on clear images → dehazer without L_seg ("Dehaze") → same dehazer with L_seg ("DFS") → held-out evaluation\n');
const cmd = dfsCommand();
await cmd.parseAsync([process.argv[0]!, 'demo', ...DEMO, ...process.argv.slice(2)]);
// the page's dev server serves runs/demo/web-models at /models/ (another folder: SEGAWARE_WEB_MODELS)
const web = `${cmd.opts().out}/web-models`;
const serve = web === 'runs/demo/web-models' ? 'npm run web' : `SEGAWARE_WEB_MODELS=${web} npm run web`;
console.log(`web page: \`${serve}\`, then open http://localhost:5173/?models=/models/ (the DFS dehazer and the segmenter, in ${web})`);
