#!/usr/bin/env bash
# Packs segaware, installs the tarball into a fresh project and imports it from
# ESM and CJS: the published package must work as a consumer sees it, with
# exactly one copy of tfjs-core in the consumer's tree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "./$tarball" >/dev/null
copies=$(find node_modules -path '*/@tensorflow/tfjs-core/package.json' | wc -l)
[ "$copies" -eq 1 ] || { echo "expected one copy of tfjs-core, found $copies"; exit 1; }
cat > esm.mjs <<'JS'
import { initBackend, tf, dfsGeneratorLoss, readImage } from 'segaware';
import * as full from 'segaware';
import * as node from 'segaware/node';
const choice = await initBackend({ quiet: true });
const s = tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid')).dataSync()[0];
console.log(`esm ok: ${choice.name}, conv sum ${s}`);
if (s !== 36) process.exit(1);
// in Node, segaware is segaware/node: the same bindings (one copy of the code), the Node initBackend
if (typeof dfsGeneratorLoss !== 'function' || typeof readImage !== 'function') throw new Error('segaware lacks dfsGeneratorLoss/readImage');
const a = Object.keys(full).sort().join();
if (a !== Object.keys(node).sort().join()) throw new Error('segaware and segaware/node export different names');
if (full.initBackend !== node.initBackend || full.NotFoundError !== node.NotFoundError) throw new Error('segaware and segaware/node hold different copies');
if (!node.BACKEND_ORDER.includes('node')) throw new Error(`segaware/node has the browser initBackend: ${node.BACKEND_ORDER}`);
console.log(`esm ok: segaware = segaware/node, ${Object.keys(full).length} exports`);
JS
cat > cjs.cjs <<'JS'
const { initBackend, tf } = require('segaware');
const full = require('segaware');
const node = require('segaware/node');
if (full.initBackend !== node.initBackend || typeof node.readImage !== 'function' || typeof full.dfsGeneratorLoss !== 'function') throw new Error('require: segaware is not segaware/node');
if (Object.keys(full).sort().join() !== Object.keys(node).sort().join()) throw new Error('require: segaware and segaware/node export different names');
initBackend({ quiet: true, prefer: 'cpu' }).then((choice) => {
  const s = tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid')).dataSync()[0];
  console.log(`cjs ok: ${choice.name}, conv sum ${s}; require('segaware') = require('segaware/node'), ${Object.keys(full).length} exports`);
  if (s !== 36) process.exit(1);
});
JS
# the browser condition: the platform-neutral core (Node can load it too: it needs nothing of Node)
cat > browser.mjs <<'JS'
import * as core from 'segaware';
import * as node from 'segaware/node';
const missing = ['ssim', 'focalLoss', 'unetGenerator', 'ConfusionMatrix', 'syntheticStreetScenes', 'lineChartSvg', 'loadVgg19Weights'].filter((n) => typeof core[n] !== 'function');
if (missing.length) throw new Error(`browser condition: segaware lacks ${missing}`);
const nodeOnly = ['readImage', 'saveCheckpoint', 'RunLog', 'writeReport', 'closeMetricWorkers', 'cityscapesDataset'].filter((n) => n in core);
if (nodeOnly.length) throw new Error(`browser condition: segaware exports Node-only ${nodeOnly}`);
if (core.BACKEND_ORDER.join() !== 'webgpu,webgl,wasm,cpu') throw new Error(`browser condition: initBackend order ${core.BACKEND_ORDER}`);
const extra = Object.keys(core).filter((n) => !(n in node));
if (extra.length) throw new Error(`browser condition: names not in segaware/node: ${extra}`);
console.log(`browser condition ok: segaware → dist/core.js, ${Object.keys(core).length} of ${Object.keys(node).length} names, initBackend ${core.BACKEND_ORDER.join(' → ')}`);
JS
node esm.mjs
node cjs.cjs
node --conditions=browser browser.mjs
# a web app's bundler resolves segaware through the exports map to the core, with no Node built-in
echo "import { ssim, focalLoss, unetGenerator, ConfusionMatrix, initBackend } from 'segaware'; console.log(ssim, focalLoss, unetGenerator, ConfusionMatrix, initBackend);" >app.mjs
node "$root/scripts/check-browser-bundle.mjs" app.mjs
# types: Node resolution sees the whole API; bundler resolution (browser apps) sees the core's
cat > types_node.mts <<'TS'
import { readImage, initBackend, ssim } from 'segaware';
import { saveCheckpoint } from 'segaware/node';
export const f = [readImage, initBackend, ssim, saveCheckpoint];
TS
cat > types_browser.ts <<'TS'
import { ssim, initBackend, type BackendName } from 'segaware';
const b: BackendName = 'webgl';
export const f = [ssim, initBackend, b];
TS
tsc="$root/node_modules/.bin/tsc"
"$tsc" --noEmit --strict --skipLibCheck --module nodenext --moduleResolution nodenext --types node --typeRoots "$root/node_modules/@types" types_node.mts || fail_types=1
"$tsc" --noEmit --strict --skipLibCheck --module esnext --moduleResolution bundler --lib es2022,dom --types node --typeRoots "$root/node_modules/@types" types_browser.ts || fail_types=1
echo "import { readImage } from 'segaware'; export const r = readImage;" >types_browser_bad.ts
if "$tsc" --noEmit --skipLibCheck --module esnext --moduleResolution bundler --lib es2022,dom --types node --typeRoots "$root/node_modules/@types" types_browser_bad.ts >/dev/null 2>&1; then fail_types=1; echo "bundler resolution sees readImage in segaware (expected the core's types)"; fi
[ -z "${fail_types:-}" ] || { echo "check-pack: the types of the exports map are wrong"; exit 1; }
echo "types ok: nodenext → the whole API (segaware, segaware/node); bundler → the core's (no readImage)"
# the installed command, through npm's bin link: it must print its version, not exit silently
version="$(node -p 'require("segaware/package.json").version')"
for cli in "npx --no-install segaware" "node_modules/.bin/segaware" "node node_modules/segaware/dist/cli.js"; do
  got="$($cli --version)"
  [ "$got" = "$version" ] || { echo "'$cli --version' printed '$got', expected '$version'"; exit 1; }
done
fail() { echo "check-pack: $*"; exit 1; }
bin=node_modules/.bin/segaware
# data synth through the bin link: the Cityscapes-like tree, file by file
"$bin" data synth --out synth --count 2 --height 32 --width 64 --no-progress >/dev/null
for n in synth_000000_000000 synth_000000_000001; do
  for f in leftImg8bit/train/synth/${n}_leftImg8bit.png gtFine/train/synth/${n}_gtFine_labelIds.png \
    gtFine/train/synth/${n}_gtFine_instanceIds.png gtFine/train/synth/${n}_gtFine_color.png \
    depth/train/synth/${n}_depth.png lights/train/synth/${n}_lights.png; do
    [ -f "synth/$f" ] || fail "'segaware data synth' through the bin link did not write synth/$f"
  done
done
[ "$(find synth -type f | wc -l)" -eq 12 ] || fail "'segaware data synth --count 2' wrote $(find synth -type f | wc -l) files, expected 12"
# eval seg reads that tree (labelIds files only, converted to trainIds), with worker threads from the package's dist/
for cli in "$bin" "node node_modules/segaware/dist/cli.js"; do
  table="$($cli eval seg --pred synth/gtFine --gt synth --workers 2 --per-image per_image.csv)" || fail "'$cli eval seg' on the synth tree failed"
  for row in 'images +2' 'labelIds → trainIds +--pred and --gt' 'mean IoU \(mIoU\) +1\.0000' 'road +IoU 1\.0000' 'traffic sign +IoU' 'bicycle +IoU'; do
    grep -Eq "^$row" <<<"$table" || { echo "$table"; fail "'$cli eval seg' table has no row /^$row/"; }
  done
  [ "$(wc -l <per_image.csv)" -eq 3 ] || fail "'$cli eval seg --per-image' wrote $(wc -l <per_image.csv) lines, expected a header and 2 rows"
done
# a library error: one line on stderr, exit 1, no stack trace; --debug adds the stack
set +e
err="$("$bin" eval seg --pred missing --gt missing --classes 2 2>&1 >/dev/null)"; rc=$?
dbg="$("$bin" --debug eval seg --pred missing --gt missing --classes 2 2>&1 >/dev/null)"; drc=$?
set -e
[ "$rc" -eq 1 ] || fail "an error exited with $rc, expected 1"
[ "$err" = "error: segaware: directory not found: missing" ] || fail "an error printed '$err', expected one line 'error: segaware: directory not found: missing'"
[ "$drc" -eq 1 ] || fail "an error with --debug exited with $drc, expected 1"
grep -Eq '^ +at .*segaware/dist/cli\.js' <<<"$dbg" || { echo "$dbg"; fail "--debug printed no stack trace"; }
echo "cli ok: $version through npx, the bin link and dist/cli.js; data synth wrote $(find synth -type f | wc -l) files; eval seg read them (workers from dist/); errors one line, stack with --debug"
