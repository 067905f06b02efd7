#!/usr/bin/env bash
# Packs the GPU benchmark (bench/gpu.ts) into a self-contained folder and a .tar
# for a Linux x86-64 GPU machine with no network that may lack Node:
#   node/node.xz      this machine's Node runtime, xz-compressed (run.sh unpacks it)
#   bench.mjs         bench/gpu.ts bundled by esbuild, importing segaware from ./dist
#   dist/             the BUILT library (npm run build when missing or older than src/)
#   node_modules/     only what dist/ and the bench load at run time: tfjs-core, -layers,
#                     -backend-cpu, -backend-wasm, -backend-webgpu, webgpu (linux-x64
#                     dawn.node only), cli-progress and their runtime dependencies;
#                     sharp is replaced by a stub (the bench reads no images, and its
#                     native libvips would only add a way to fail)
#   gpu_torch.py, torch_reference_nets.py   the PyTorch reference
#   vulkan/           this machine's libvulkan.so.1 (Vulkan loader), used only when the
#                     target has none
#   run.sh            finds node and a python3 with torch, checks Vulkan, runs the bench
#
# usage: scripts/gpu-bundle.sh [OUT_DIR]      (default: out/gpu-bundle)
# Must stay under 64 MiB (folder and .tar); the script fails if it does not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$(mkdir -p "${1:-$ROOT/out/gpu-bundle}" && cd "${1:-$ROOT/out/gpu-bundle}" && pwd)"
NAME=segaware-gpu-bench
B="$OUT_DIR/$NAME"
LIMIT=$((64 * 1024 * 1024))
cd "$ROOT"

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "gpu-bundle: packs a linux-x64 Node and dawn.node; run it on Linux x86-64" >&2; exit 1; }

# 1. the built library
if [ ! -f dist/index.js ] || [ -n "$(find src package.json tsup.config.ts -newer dist/index.js -type f -print -quit)" ]; then
  echo "gpu-bundle: dist/ missing or older than src/ — npm run build"
  npm run build >/dev/null
fi

# node.xz is kept across runs when this machine's node binary is unchanged (xz -9 takes a minute)
NODE_BIN="$(command -v node)"
NODE_SUM="$(sha256sum "$NODE_BIN" | cut -d' ' -f1)"
CACHE="$OUT_DIR/.node-cache"
if [ ! -f "$CACHE/node.xz" ] || [ "$(cat "$CACHE/node.sha256" 2>/dev/null)" != "$NODE_SUM" ]; then
  echo "gpu-bundle: compressing $NODE_BIN ($(node --version)) with xz …"
  mkdir -p "$CACHE"
  xz -9 -T0 -c "$NODE_BIN" >"$CACHE/node.xz.tmp"
  mv "$CACHE/node.xz.tmp" "$CACHE/node.xz"
  echo "$NODE_SUM" >"$CACHE/node.sha256"
fi

rm -rf "$B" "$OUT_DIR/$NAME.tar"
mkdir -p "$B/node" "$B/vulkan"
cp "$CACHE/node.xz" "$B/node/node.xz"
echo "$NODE_SUM" >"$B/node/node.sha256"
node --version >"$B/node/VERSION"

# 2. dist/ (the ESM build and the worker entries; no maps, types or CJS)
mkdir -p "$B/dist"
for f in dist/*.js; do cp "$f" "$B/dist/"; done
printf '{ "name": "segaware-gpu-bench", "private": true, "type": "module" }\n' >"$B/package.json"

# 3. the bench: one ESM file whose segaware import is the built dist/ (never src/ through tsx)
node --input-type=module - "$ROOT" "$B" <<'EOF'
import { build } from 'esbuild';
const [root, out] = process.argv.slice(2);
await build({
  entryPoints: [`${root}/bench/gpu.ts`],
  outfile: `${out}/bench.mjs`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [{
    name: 'segaware-from-dist',
    setup(b) {
      b.onResolve({ filter: /(^|\/)src\/index\.js$/ }, () => ({ path: './dist/index.js', external: true }));
      b.onResolve({ filter: /^@tensorflow\/|^webgpu$|^sharp$/ }, (a) => ({ path: a.path, external: true }));
    },
  }],
});
EOF
cp bench/gpu_torch.py scripts/torch_reference_nets.py "$B/"

# 4. node_modules: the runtime dependency closure, big packages trimmed to the files Node loads
node --input-type=module - "$ROOT" "$B" <<'EOF'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
const [root, out] = process.argv.slice(2);
const roots = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu', 'webgpu', 'cli-progress'];
// what each big package needs at run time under Node (its "main" bundle, the wasm binaries, the linux dawn.node)
const keep = {
  '@tensorflow/tfjs-core': ['dist/tf-core.node.js'],
  '@tensorflow/tfjs-layers': ['dist/tf-layers.node.js'],
  '@tensorflow/tfjs-backend-cpu': ['dist/tf-backend-cpu.node.js'],
  '@tensorflow/tfjs-backend-webgpu': ['dist/tf-backend-webgpu.node.js'],
  '@tensorflow/tfjs-backend-wasm': ['dist/tf-backend-wasm.node.js', 'dist/tfjs-backend-wasm.wasm', 'dist/tfjs-backend-wasm-simd.wasm',
    'dist/tfjs-backend-wasm-threaded-simd.wasm', 'wasm-out/tfjs-backend-wasm-threaded-simd.js', 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'],
  webgpu: ['index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node'],
};
const typesOnly = (n) => n.startsWith('@types/') || n === '@webgpu/types';
const seen = new Set();
const queue = roots.map((name) => ({ name, from: root }));
while (queue.length) {
  const { name, from } = queue.shift();
  if (typesOnly(name)) continue;
  let pj;
  try {
    pj = createRequire(join(from, 'x.js')).resolve(`${name}/package.json`);
  } catch {
    // packages without "./package.json" in their exports map: walk up node_modules by hand
    let d = from;
    for (;;) {
      const c = join(d, 'node_modules', name, 'package.json');
      if (existsSync(c)) { pj = c; break; }
      if (dirname(d) === d) throw new Error(`gpu-bundle: cannot find ${name} from ${from}`);
      d = dirname(d);
    }
  }
  const dir = dirname(pj);
  if (seen.has(dir)) continue;
  seen.add(dir);
  const dest = join(out, relative(root, dir));
  mkdirSync(dest, { recursive: true });
  const meta = JSON.parse(readFileSync(pj, 'utf8'));
  if (keep[name]) {
    // drop lifecycle scripts: nothing is installed there
    writeFileSync(join(dest, 'package.json'), JSON.stringify({ ...meta, scripts: undefined, devDependencies: undefined }, null, 2));
    for (const f of keep[name]) {
      if (!existsSync(join(dir, f))) throw new Error(`gpu-bundle: ${name}/${f} is missing`);
      mkdirSync(dirname(join(dest, f)), { recursive: true });
      cpSync(join(dir, f), join(dest, f));
    }
  } else {
    for (const e of readdirSync(dir)) if (e !== 'node_modules') cpSync(join(dir, e), join(dest, e), { recursive: true });
  }
  for (const dep of Object.keys(meta.dependencies ?? {})) queue.push({ name: dep, from: dir });
}
// sharp: dist/ imports it at the top of its image I/O modules; the bench never calls it
const sharp = join(out, 'node_modules/sharp');
mkdirSync(sharp, { recursive: true });
writeFileSync(join(sharp, 'package.json'), JSON.stringify({ name: 'sharp', version: '0.0.0-gpu-bundle-stub', main: 'index.js' }, null, 2));
writeFileSync(join(sharp, 'index.js'),
  "'use strict';\n// stub of the GPU benchmark bundle: image I/O is not part of the benchmark\n" +
  "function sharp() { throw new Error('sharp is not included in the segaware GPU benchmark bundle'); }\nmodule.exports = sharp;\nmodule.exports.default = sharp;\n");
console.log(`gpu-bundle: node_modules: ${[...seen].map((d) => relative(join(root, 'node_modules'), d)).join(', ')}, sharp (stub)`);
EOF

# 5. a Vulkan loader for targets without one (the NVIDIA driver brings the ICD, not always the loader)
VK="$(ls /usr/lib/x86_64-linux-gnu/libvulkan.so.1.* 2>/dev/null | head -n1 || true)"
if [ -n "$VK" ]; then
  cp "$VK" "$B/vulkan/libvulkan.so.1"
else
  echo "gpu-bundle: warning: no libvulkan.so.1 here to ship; the target must have its own Vulkan loader" >&2
fi

# 6. run.sh
cat >"$B/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the segaware GPU benchmark from this folder: segaware on WebGPU (Dawn → Vulkan)
# against PyTorch (CUDA when torch sees the GPU) on the same machine.
#   bash run.sh [--tiny] [--reps N] [--torch-device auto|cuda|cpu]
# Results: results/gpu-bench-<time>.json and results/gpu-bench-<time>.log
# Environment: SEGAWARE_PYTHON=/path/to/python (a python with torch), NODE=/path/to/node (>= 20)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
say() { echo "run.sh: $*" >&2; }

# --- Node: the bundled runtime (unpacked once), else a node >= 20 on PATH
NODE_EXE="${NODE:-}"
if [ -z "$NODE_EXE" ]; then
  if [ ! -x node/bin/node ]; then
    mkdir -p node/bin
    if command -v xz >/dev/null 2>&1; then
      xz -dc node/node.xz >node/bin/node.tmp && chmod +x node/bin/node.tmp && mv node/bin/node.tmp node/bin/node
    else
      for py in python3 /usr/bin/python3 python; do
        if command -v "$py" >/dev/null 2>&1; then
          "$py" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' node/node.xz node/bin/node.tmp &&
            chmod +x node/bin/node.tmp && mv node/bin/node.tmp node/bin/node && break
        fi
      done
    fi
  fi
  if [ -x node/bin/node ] && node/bin/node --version >/dev/null 2>&1; then
    NODE_EXE="$HERE/node/bin/node"
  elif command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]; then
    say "the bundled Node could not be unpacked or run (no xz, no python3 lzma, or an older glibc); using $(command -v node)"
    NODE_EXE="$(command -v node)"
  else
    say "ERROR: no usable Node: the bundled one ($(cat node/VERSION)) could not be unpacked or run, and no node >= 20 is on PATH"
    exit 1
  fi
fi
say "node: $NODE_EXE ($("$NODE_EXE" --version))"

# --- Python with torch (the reference)
PY="${SEGAWARE_PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3 /usr/bin/python3 /opt/conda/bin/python3 python; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import torch' >/dev/null 2>&1; then PY="$(command -v "$c")"; break; fi
  done
fi
if [ -n "$PY" ]; then
  say "python: $PY ($("$PY" -c 'import torch; print("torch", torch.__version__, "cuda" if torch.cuda.is_available() else "NO CUDA")' 2>&1 | tail -n1))"
  export SEGAWARE_PYTHON="$PY"
else
  say "WARNING: no python3 that imports torch was found (set SEGAWARE_PYTHON); the table will have no reference column"
fi

# --- Vulkan: Dawn loads libvulkan.so.1 (the loader), which loads the driver's ICD
# (the ldconfig output is captured first: grep -q closing the pipe early would fail it under pipefail)
LDCACHE="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || /usr/sbin/ldconfig -p 2>/dev/null || true)"
have_loader() {
  case "$LDCACHE" in *"libvulkan.so.1 ("*) return 0 ;; esac
  for f in /usr/lib/x86_64-linux-gnu/libvulkan.so.1 /lib/x86_64-linux-gnu/libvulkan.so.1 /usr/lib64/libvulkan.so.1 /usr/lib/libvulkan.so.1; do
    [ -e "$f" ] && return 0
  done
  return 1
}
if have_loader; then
  say "vulkan: the system's libvulkan.so.1"
elif [ -f vulkan/libvulkan.so.1 ]; then
  say "vulkan: this machine has NO libvulkan.so.1 (the Vulkan loader; Debian/Ubuntu package libvulkan1) — using the copy shipped in vulkan/"
  export LD_LIBRARY_PATH="$HERE/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  say "ERROR: this machine has no libvulkan.so.1 (the Vulkan loader; Debian/Ubuntu package libvulkan1) and the bundle ships none"
fi
icd_dirs="/etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/etc/vulkan/icd.d"
nvidia_icd=""
for f in $(for d in $icd_dirs; do ls "$d"/*.json 2>/dev/null; done); do
  if grep -qi nvidia "$f" 2>/dev/null; then nvidia_icd="$f"; break; fi
done
if [ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  say "vulkan: ICD from the environment: ${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}"
elif [ -n "$nvidia_icd" ]; then
  say "vulkan: NVIDIA ICD $nvidia_icd"
elif command -v nvidia-smi >/dev/null 2>&1 || [ -e /dev/nvidiactl ]; then
  # containers started with NVIDIA_DRIVER_CAPABILITIES=compute,utility get the CUDA part of the driver
  # but not its Vulkan manifest; the Vulkan driver itself is libGLX_nvidia.so.0 when it was mounted
  glx="$(printf '%s\n' "$LDCACHE" | awk '/libGLX_nvidia\.so\.0 /{p = $NF} END {print p}')"
  [ -z "$glx" ] && glx="$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -n1 || true)"
  if [ -n "$glx" ]; then
    mkdir -p vulkan/icd.d
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" >vulkan/icd.d/nvidia_icd.json
    export VK_ICD_FILENAMES="$HERE/vulkan/icd.d/nvidia_icd.json" VK_DRIVER_FILES="$HERE/vulkan/icd.d/nvidia_icd.json"
    say "vulkan: an NVIDIA GPU but no NVIDIA Vulkan manifest (icd.d); wrote one for $glx"
  else
    say "WARNING: an NVIDIA GPU but neither its Vulkan manifest (nvidia_icd.json) nor its Vulkan driver (libGLX_nvidia.so.0) is present."
    say "         In a container, start it with NVIDIA_DRIVER_CAPABILITIES=all (or compute,utility,graphics); on a host, install the full driver."
  fi
else
  say "WARNING: no NVIDIA Vulkan driver (ICD) found; WebGPU will use whatever adapter the loader finds"
fi

mkdir -p results
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="results/gpu-bench-$STAMP.json"
say "running: $NODE_EXE bench.mjs --out $OUT $*"
"$NODE_EXE" bench.mjs --out "$OUT" "$@" 2>&1 | tee "results/gpu-bench-$STAMP.log"
rc=${PIPESTATUS[0]}
if [ "$rc" = 0 ]; then say "results: $HERE/$OUT (log: results/gpu-bench-$STAMP.log)"; else say "the benchmark failed (exit $rc); log: $HERE/results/gpu-bench-$STAMP.log"; fi
exit "$rc"
RUN
chmod +x "$B/run.sh"

# 7. the .tar (node.xz inside is already compressed; the rest is small)
tar -C "$OUT_DIR" -cf "$OUT_DIR/$NAME.tar" "$NAME"
DIR_BYTES=$(du -sb "$B" | cut -f1)
TAR_BYTES=$(stat -c %s "$OUT_DIR/$NAME.tar")
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "gpu-bundle: folder $B — $(mib "$DIR_BYTES")"
echo "gpu-bundle: archive $OUT_DIR/$NAME.tar — $(mib "$TAR_BYTES")"
if [ "$DIR_BYTES" -gt "$LIMIT" ] || [ "$TAR_BYTES" -gt "$LIMIT" ]; then
  echo "gpu-bundle: ERROR: over the 64 MiB limit" >&2
  exit 1
fi
cat <<MSG

Copy $NAME.tar to the GPU machine, then run there:

  tar -xf $NAME.tar && bash $NAME/run.sh

(--tiny for a one-minute functional check; results in $NAME/results/*.json)
MSG
