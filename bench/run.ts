/**
 * `npm run bench [-- NAME...]`: runs every benchmark in bench/ (files not
 * starting with '_' or 'run'), or the named ones, each in its own process so
 * one backend's state never colours another's timings.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = wanted.length ? all.filter((b) => wanted.includes(b)) : all;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark(s): ${wanted.filter((w) => !all.includes(w)).join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n## bench/${name}.ts\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.ts`)], { stdio: 'inherit', env: { ...process.env, SEGAWARE_QUIET: '1' } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
