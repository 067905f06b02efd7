import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
const root = '/work/main';
const NODE = /^(node:|fs$|fs\/|path$|os$|url$|crypto$|module$|worker_threads$|child_process$|sharp$|cli-progress$|commander$)/;
const entry = process.argv[2] || 'src/index.ts';
const r = await esbuild.build({ entryPoints: [join(root, entry)], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', external: ['@tensorflow/*', 'webgpu'], logLevel: 'silent', packages: 'external' });
const inputs = r.metafile.inputs;
// reverse edges
const bad = new Map();
for (const [f, v] of Object.entries(inputs)) for (const i of v.imports) if (i.external && NODE.test(i.path)) { (bad.get(f) ?? bad.set(f, []).get(f)).push(i.path); }
console.log('direct node importers:'); for (const [f, l] of bad) console.log(' ', f, l.join(','));
// chain from entry to each bad file
const parents = new Map();
const q = [Object.keys(inputs).find(k => k.endsWith(entry))]; const seen = new Set(q);
while (q.length) { const f = q.shift(); for (const i of inputs[f]?.imports ?? []) if (!i.external && !seen.has(i.path)) { seen.add(i.path); parents.set(i.path, f); q.push(i.path); } }
console.log('chains:'); for (const f of bad.keys()) { const c = [f]; let p = f; while (parents.has(p)) { p = parents.get(p); c.unshift(p); } console.log('  ' + c.join(' -> ')); }
// tainted = reaches a bad file
const memo = new Map();
function taint(f, stack = new Set()) { if (memo.has(f)) return memo.get(f); if (stack.has(f)) return false; stack.add(f); let t = bad.has(f); for (const i of inputs[f]?.imports ?? []) if (!i.external && taint(i.path, stack)) t = true; stack.delete(f); memo.set(f, t); return t; }
console.log('tainted:'); for (const f of Object.keys(inputs)) if (taint(f)) console.log('  T', f);
