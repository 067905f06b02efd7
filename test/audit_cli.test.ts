// Issue 16 audit, command line: one row per case with its expected outcome.
// Rows marked `spawn` run the real CLI through tsx (as test/metrics_cli.test.ts does) and
// check the exit code, the one-line `error: …` and that no input file changed; flag-parsing
// rows run the same program in-process with commander's exitOverride (no process per row).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/index.js';
import { writeImage } from '../src/data/image_io.js';
import { fixturePath } from './helpers/index.js';

interface Outcome {
  status: number | null;
  stderr: string;
  /** every input file byte-identical after the run */
  inputsIntact: boolean;
}
type Expect = { error: RegExp; status?: number } | { value: Partial<Outcome> & { written?: string[] } };
interface Row {
  name: string;
  /** CLI arguments (after `segaware`) */
  args: () => string[];
  /** run the real CLI in a child process (else: in-process, for argument parsing errors) */
  spawn?: boolean;
  /** files listed after a successful run (relative to the tmp root) */
  list?: string;
  expect: Expect;
}

const root = mkdtempSync(join(tmpdir(), 'segaware-audit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => join(root, ...p);
const evalDir = (p: string) => fixturePath(`metrics_cli/${p}`);

const snapshot = (dir: string): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p).toString('base64'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
};

beforeAll(async () => {
  const image = { data: new Float32Array(8 * 8 * 3).map((_, i) => (i % 7) / 7), height: 8, width: 8, channels: 3 };
  await writeImage(at('in', 'a.png'), image);
  await writeImage(at('in', 'sub', 'b.png'), image);
  symlinkSync(at('in'), at('in_link'));
  // a tree where --in sits inside --out and one output would land on another input
  await writeImage(at('outer', 'a', 'x.png'), image);
  await writeImage(at('outer', 'a', 'a', 'x.png'), image);
  mkdirSync(at('empty'));
  // a copy of the ground truth, so a regression could never overwrite a fixture
  cpSync(evalDir('img/gt'), at('gt'), { recursive: true });
});

function runSpawned(args: string[]): Omit<Outcome, 'inputsIntact'> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { encoding: 'utf8', env: { ...process.env, SEGAWARE_QUIET: '1' } });
  return { status: r.status, stderr: r.stderr };
}

/** Runs the program in-process; commander's exits become thrown CommanderErrors whose text we keep. */
async function runInProcess(args: string[]): Promise<Omit<Outcome, 'inputsIntact'>> {
  const errors: string[] = [];
  const quiet = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => undefined });
    c.commands.forEach(quiet);
  };
  const program = buildProgram();
  quiet(program);
  const exitCode = process.exitCode;
  try {
    await program.parseAsync(['node', 'segaware', ...args]);
    return { status: 0, stderr: errors.join('') };
  } catch (e) {
    return { status: (e as { exitCode?: number }).exitCode ?? 1, stderr: errors.join('') || (e as Error).message };
  } finally {
    process.exitCode = exitCode; // an action's error would set it for the test runner
  }
}

const degrade = (...rest: string[]) => ['data', 'degrade', '--kind', 'blur', '--level', '1', ...rest];
const evalImg = (...rest: string[]) => ['eval', 'img', '--pred', evalDir('img/pred'), '--gt', evalDir('img/gt'), '--no-progress', '--out', at('report.json'), ...rest];

const rows: Row[] = [
  // 14. outputs never overwrite inputs
  { name: 'data degrade --out equal to --in (overwrote the sources, exit 0)', spawn: true, args: () => degrade('--in', at('in'), '--out', at('in')), expect: { error: /^error: --out .*\/in is the same folder as --in .*\/in: the outputs would overwrite/m, status: 1 } },
  { name: 'data degrade --out inside --in', spawn: true, args: () => degrade('--in', at('in'), '--out', at('in', 'sub', 'blurred')), expect: { error: /^error: --out .*blurred is inside --in .*\/in: /m, status: 1 } },
  { name: 'data degrade --out a symlink to --in (real paths compared)', spawn: true, args: () => degrade('--in', at('in'), '--out', at('in_link')), expect: { error: /^error: --out .*in_link is the same folder as --in/m, status: 1 } },
  { name: 'data degrade --in inside --out where an output lands on an input', spawn: true, args: () => degrade('--in', at('outer', 'a'), '--out', at('outer')), expect: { error: /^error: --out .*outer would overwrite the input .*outer\/a\/a\/x\.png/m, status: 1 } },
  { name: 'data degrade into a separate folder still works', spawn: true, args: () => degrade('--in', at('in'), '--out', at('blurred')), list: 'blurred', expect: { value: { status: 0, inputsIntact: true, written: ['a.png', 'sub/b.png'] } } },
  { name: 'eval img --out an existing ground-truth file', spawn: true, args: () => ['eval', 'img', '--pred', evalDir('img/pred'), '--gt', at('gt'), '--no-progress', '--out', join(at('gt'), readdirSync(at('gt'))[0]!)], expect: { error: /^error: --out .* is an existing file inside --gt .*: writing the report would overwrite an input/m, status: 1 } },

  // 15. every numeric flag validated, the message names the flag
  { name: 'eval img --workers -1 (was accepted)', spawn: true, args: () => evalImg('--workers', '-1'), expect: { error: /error: option '--workers <n>' argument '-1' is invalid\. --workers must be an integer ≥ 1/, status: 1 } },
  { name: 'eval img --workers 1.5', args: () => evalImg('--workers', '1.5'), expect: { error: /--workers must be an integer ≥ 1/ } },
  { name: 'eval img --data-range 0', args: () => evalImg('--data-range', '0'), expect: { error: /option '--data-range <r>' argument '0' is invalid\. --data-range must be a finite number > 0/ } },
  { name: 'eval img --data-range Infinity', args: () => evalImg('--data-range', 'Infinity'), expect: { error: /--data-range must be a finite number > 0/ } },
  { name: 'eval seg --classes 0', args: () => ['eval', 'seg', '--pred', evalDir('seg/pred'), '--gt', evalDir('seg/gt'), '--classes', '0'], expect: { error: /--classes must be an integer ≥ 1/ } },
  { name: 'eval seg --ignore-index -3', args: () => ['eval', 'seg', '--pred', evalDir('seg/pred'), '--gt', evalDir('seg/gt'), '--classes', '4', '--ignore-index', '-3'], expect: { error: /--ignore-index must be an integer ≥ 0/ } },
  { name: 'data synth --count 0 (control: already clear)', args: () => ['data', 'synth', '--out', at('synth'), '--count', '0'], expect: { error: /--count must be an integer ≥ 1/ } },
  { name: 'data synth --seed abc (control: already clear)', args: () => ['data', 'synth', '--out', at('synth'), '--seed', 'abc'], expect: { error: /option '--seed <n>' argument 'abc' is invalid\. --seed must be an integer ≥ 0/ } },
  { name: 'data synth --width 1e9', args: () => ['data', 'synth', '--out', at('synth'), '--width', '1e9'], expect: { error: /--width must be an integer ≥ 16 and ≤ 16384/ } },
  { name: 'data degrade --level 9', args: () => degrade('--in', at('in'), '--out', at('x'), '--level', '9'), expect: { error: /--level must be an integer ≥ 1 and ≤ 4/ } },
  { name: 'data degrade --max-pixels 0', args: () => degrade('--in', at('in'), '--out', at('x'), '--max-pixels', '0'), expect: { error: /--max-pixels must be an integer ≥ 1/ } },

  // 16. --max-pixels caps (and can raise) the decoded size
  { name: 'eval img --max-pixels 10', spawn: true, args: () => evalImg('--workers', '1', '--max-pixels', '10'), expect: { error: /^error: segaware: image ".*" is \d+×\d+ = [\d,]+ pixels, above the limit of 10 \(raise it with options\.maxPixels, or --max-pixels/m, status: 1 } },
  { name: 'data degrade --max-pixels 10', spawn: true, args: () => degrade('--in', at('in'), '--out', at('capped'), '--max-pixels', '10'), expect: { error: /^error: segaware: image ".*a\.png" is 8×8 = 64 pixels, above the limit of 10/m, status: 1 } },
];

describe('issue 16 audit: command line', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const dirs = ['in', 'outer', 'gt'].map((d) => at(d));
      const before = dirs.map(snapshot);
      const got = row.spawn ? runSpawned(row.args()) : await runInProcess(row.args());
      const inputsIntact = dirs.every((d, i) => {
        const [a, b] = [before[i]!, snapshot(d)];
        return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
      });
      expect(inputsIntact, 'no input file changed').toBe(true);
      if ('error' in row.expect) {
        expect(got.status, got.stderr).not.toBe(0);
        if (row.expect.status !== undefined) expect(got.status).toBe(row.expect.status);
        expect(got.stderr).toMatch(row.expect.error);
        expect(got.stderr, 'one line, no stack trace').not.toMatch(/\n\s+at /);
      } else {
        const { written, ...rest } = row.expect.value;
        expect({ status: got.status, inputsIntact }, got.stderr).toEqual(rest);
        if (written) {
          const listed = [...snapshot(at(row.list!)).keys()].map((k) => k.slice(at(row.list!).length + 1)).sort();
          expect(listed).toEqual(written);
        }
      }
    }, 60_000);
  }
});
