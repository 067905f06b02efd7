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
import { initBackend, tf } from 'segaware';
const choice = await initBackend({ quiet: true });
const s = tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid')).dataSync()[0];
console.log(`esm ok: ${choice.name}, conv sum ${s}`);
if (s !== 36) process.exit(1);
JS
cat > cjs.cjs <<'JS'
const { initBackend, tf } = require('segaware');
initBackend({ quiet: true, prefer: 'cpu' }).then((choice) => {
  const s = tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid')).dataSync()[0];
  console.log(`cjs ok: ${choice.name}, conv sum ${s}`);
  if (s !== 36) process.exit(1);
});
JS
node esm.mjs
node cjs.cjs
# the installed command, through npm's bin link: it must print its version, not exit silently
version="$(node -p 'require("segaware/package.json").version')"
for cli in "npx --no-install segaware" "node_modules/.bin/segaware" "node node_modules/segaware/dist/cli.js"; do
  got="$($cli --version)"
  [ "$got" = "$version" ] || { echo "'$cli --version' printed '$got', expected '$version'"; exit 1; }
done
node_modules/.bin/segaware data synth --out synth --count 1 --height 32 --width 64 >/dev/null
[ -n "$(find synth -type f | head -n 1)" ] || { echo "'segaware data synth' through the bin link wrote nothing"; exit 1; }
echo "cli ok: $version through npx, the bin link and dist/cli.js; data synth wrote $(find synth -type f | wc -l) files"
