// The `segaware` command line, in-process through `main()` (one child process only where the exit
// code of a real process is the point): errors as `error: …` (stack with --debug), required options
// marked in --help, `eval seg` on the tree `data synth` writes (label-file filter, labelId → trainId,
// --drop-invalid, class names, --per-image), progress, and no write outside --out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../src/cli/index.js';
import { formatCliError } from '../src/cli/report_error.js';
import { pairKey, selectLabelFiles } from '../src/cli/label_files.js';
import { decodeImage } from '../src/cli/decode_image.js';
import { CITYSCAPES_TRAIN_CLASSES, labelIdToTrainId } from '../src/data/cityscapes_labels.js';
import { writeLabelMap } from '../src/data/label_io.js';
import { ConfusionMatrix } from '../src/metrics/confusion_matrix.js';
import { NotFoundError } from '../src/errors.js';
import { fixturePath, loadFixture } from './helpers/index.js';

const root = mkdtempSync(join(tmpdir(), 'segaware-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => join(root, ...p);
const tree = at('tree');
const gtDir = join(tree, 'gtFine', 'train', 'synth');
const names = ['synth_000000_000000', 'synth_000000_000001'];
const H = 32;
const W = 64;

/** Runs `main` in-process; returns the exit code and what went to stdout (console.log) and stderr. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const code = await main(['node', 'segaware', ...args], { write: (s: string) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
}

/** Runs the program with commander's exits turned into thrown errors (for usage errors, which call process.exit). */
async function runUsage(args: string[]): Promise<{ code: number; err: string }> {
  const errors: string[] = [];
  const quiet = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => undefined });
    c.commands.forEach(quiet);
  };
  const program = buildProgram();
  quiet(program);
  try {
    await program.parseAsync(['node', 'segaware', ...args]);
    return { code: 0, err: errors.join('') };
  } catch (e) {
    return { code: (e as { exitCode?: number }).exitCode ?? 1, err: errors.join('') || (e as Error).message };
  }
}

/** Every file under `dir`, relative, sorted. */
const listFiles = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p.slice(dir.length + 1));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
};

/** The synth tree's labelIds maps, decoded. */
const gtLabelIds: Uint8Array[] = [];

beforeAll(async () => {
  const r = await run('data', 'synth', '--out', tree, '--count', '2', '--height', String(H), '--width', String(W));
  expect(r.code, r.err).toBe(0);
  for (const n of names) gtLabelIds.push((await decodeImage(join(gtDir, `${n}_gtFine_labelIds.png`), 'label')).data as Uint8Array);
});

describe('segaware: errors reach the user as one line', () => {
  it('a library error: `error: <message>`, exit 1, no stack; --debug (before or after the subcommand) adds the stack', async () => {
    const missing = at('no-such-folder');
    const plain = await run('eval', 'seg', '--pred', missing, '--gt', missing, '--classes', '2', '--no-progress');
    expect(plain.code).toBe(1);
    expect(plain.err).toBe(`error: segaware: directory not found: ${missing}\n`);
    for (const args of [['--debug', 'eval', 'seg'], ['eval', 'seg', '--debug']]) {
      const debug = await run(...args, '--pred', missing, '--gt', missing, '--classes', '2', '--no-progress');
      expect(debug.code).toBe(1);
      expect(debug.err.split('\n')[0]).toBe(`error: segaware: directory not found: ${missing}`);
      expect(debug.err).toMatch(/\n\s+at .*matchPairs/);
    }
  });

  it('a non-segaware error (ENOTDIR from the file system) is one line too, with a hint to --debug', async () => {
    const r = await run('data', 'synth', '--out', join('/dev/null', 'x'), '--count', '1', '--height', '16', '--width', '16');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: ENOTDIR: not a directory.* \(rerun with --debug for the stack trace\)\n$/);
    expect(formatCliError(new TypeError('boom'), false)).toBe('error: boom (rerun with --debug for the stack trace)\n');
    expect(formatCliError(new NotFoundError('gone'), false)).toBe('error: gone\n');
    expect(formatCliError(new NotFoundError('gone'), true)).toMatch(/^error: gone\nNotFoundError: gone\n\s+at /);
  });

  it('as a process (tsx): exit code 1 and a single stderr line', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'data', 'synth', '--out', join('/dev/null', 'x'), '--count', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: ENOTDIR: not a directory[^\n]*\n$/);
  }, 60_000);
});

describe('segaware --help', () => {
  it('marks required options', () => {
    const program = buildProgram();
    // help text with its line wrapping undone
    const help = (...path: string[]) => path.reduce((c, n) => c.commands.find((s) => s.name() === n)!, program).helpInformation().replace(/\s+/g, ' ');
    expect(help('data', 'synth')).toContain('--out <dir> output root (required)');
    expect(help('data', 'gallery')).toContain('--out <dir> output folder (the repository keeps its copy in docs/images) (required)');
    expect(help('data', 'degrade')).toContain('--kind <kind> fog | blur | noise | jpeg | ca | night (required)');
    const seg = help('eval', 'seg');
    expect(seg).toContain('--pred <dir> folder of predictions (required) --gt <dir> folder of ground truth (required)');
    expect(seg).toContain('--out <file> JSON report path (nothing is written without it) --per-image');
    expect(seg).toContain('(choices: "auto", "none", "gt", "pred", "both", default: "auto")');
    expect(seg).toContain('Global Options: -V, --version output the version number --debug print the stack trace of an error --quiet no progress display');
  });
});

describe('segaware eval seg on the tree `data synth` writes', () => {
  it('picks only label files: never _color / _instanceIds / photos; pairs by name', () => {
    const files = ['a_gtFine_color.png', 'a_gtFine_instanceIds.png', 'a_gtFine_labelIds.png', 'a_leftImg8bit.png', 'a_depth.png'];
    expect(selectLabelFiles(files)).toEqual({ files: ['a_gtFine_labelIds.png'], naming: 'labelIds' });
    expect(selectLabelFiles([...files, 'a_gtFine_labelTrainIds.png'])).toEqual({ files: ['a_gtFine_labelTrainIds.png'], naming: 'trainIds' });
    expect(selectLabelFiles([...files, 'a_gtFine_labelTrainIds.png'], 'labelIds').files).toEqual(['a_gtFine_labelIds.png']);
    expect(selectLabelFiles(['x_pred.png', 'x_color.png'])).toEqual({ files: ['x_pred.png'], naming: 'unnamed' });
    expect(['f_1_gtFine_labelIds.png', 'f_1_leftImg8bit.png', 'f_1_pred.png', 'f_1.png'].map(pairKey)).toEqual(['f_1', 'f_1', 'f_1', 'f_1']);
  });

  it('labelIds ground truth (auto-detected) vs trainId predictions: table with Cityscapes names, values equal ConfusionMatrix', async () => {
    // predictions: the true trainIds with the top 8 rows painted road (0), so the scores are not all 1
    const preds = gtLabelIds.map((g) => {
      const p = labelIdToTrainId(g);
      p.fill(0, 0, 8 * W);
      return p;
    });
    const predDir = at('pred_train');
    for (let i = 0; i < names.length; i++) await writeLabelMap(join(predDir, `${names[i]}_pred.png`), { data: preds[i]!, height: H, width: W });
    const want = new ConfusionMatrix(19);
    for (let i = 0; i < names.length; i++) want.updateArrays(preds[i]!, labelIdToTrainId(gtLabelIds[i]!));
    const w = want.compute();
    expect(w.meanIoU).toBeLessThan(1);

    const report = at('report.json');
    const r = await run('eval', 'seg', '--pred', predDir, '--gt', tree, '--no-progress', '--out', report);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^images\s+2$/m);
    expect(r.out).toMatch(/^labelIds → trainIds\s+--gt$/m);
    expect(r.out).toMatch(new RegExp(`^mean IoU \\(mIoU\\)\\s+${w.meanIoU.toFixed(4)}$`, 'm'));
    for (const c of CITYSCAPES_TRAIN_CLASSES) expect(r.out).toMatch(new RegExp(`^${c.name}\\s+IoU `, 'm'));
    expect(r.out).toMatch(new RegExp(`^road\\s+IoU ${w.iou[0]!.toFixed(4)}  acc ${w.accuracy[0]!.toFixed(4)}`, 'm'));
    const j = JSON.parse(readFileSync(report, 'utf8'));
    expect(j.matrix).toEqual(w.matrix);
    expect(j.classNames[13]).toBe('car');
    expect(j.labelIdsToTrainIds).toEqual({ pred: false, gt: true });
  });

  it('--label-ids: explicit sides convert unnamed files; none leaves labelIds and names the flags in the error', async () => {
    const predDir = at('pred_labelids');
    for (let i = 0; i < names.length; i++) await writeLabelMap(join(predDir, `${names[i]}.png`), { data: gtLabelIds[i]!, height: H, width: W });
    // unnamed predictions holding labelIds: auto converts only the gt side, so they disagree
    const auto = await run('eval', 'seg', '--pred', predDir, '--gt', gtDir, '--no-progress', '--drop-invalid');
    expect(auto.code, auto.err).toBe(0);
    expect(auto.out).not.toMatch(/^pixel accuracy \(PA\)\s+1\.0000$/m);
    const both = await run('eval', 'seg', '--pred', predDir, '--gt', gtDir, '--no-progress', '--label-ids', 'both');
    expect(both.code, both.err).toBe(0);
    expect(both.out).toMatch(/^labelIds → trainIds\s+--pred and --gt$/m);
    expect(both.out).toMatch(/^pixel accuracy \(PA\)\s+1\.0000$/m);
    const none = await run('eval', 'seg', '--pred', gtDir, '--gt', gtDir, '--no-progress', '--label-ids', 'none', '--classes', '19');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^error: .*expected labels in \[0, 19\) or ignoreIndex 255.*pass --drop-invalid to drop such pixels, or --label-ids if the files hold Cityscapes labelIds/);
    const cs = await run('eval', 'seg', '--cityscapes', '--pred', gtDir, '--gt', gtDir, '--label-ids', 'gt', '--no-progress');
    expect(cs.err).toBe('error: --label-ids gt does not apply with --cityscapes (the Cityscapes benchmark reads labelIds on both sides as they are)\n');
  });

  it('--drop-invalid = dropInvalidTargets: raw labelIds with K = 19 count only targets < 19', async () => {
    const want = new ConfusionMatrix(19, { dropInvalidTargets: true });
    for (const g of gtLabelIds) want.updateArrays(g, g);
    const w = want.compute();
    const report = at('drop.json');
    const r = await run('eval', 'seg', '--pred', gtDir, '--gt', gtDir, '--no-progress', '--label-ids', 'none', '--classes', '19', '--drop-invalid', '--out', report);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^invalid targets\s+dropped$/m);
    const j = JSON.parse(readFileSync(report, 'utf8'));
    expect(j.total).toBe(w.total);
    expect(j.total).toBeLessThan(2 * H * W);
    expect(j.matrix).toEqual(w.matrix);
    expect(j.dropInvalidTargets).toBe(true);
  });

  it('--class-names labels the rows of a non-Cityscapes K; the count must match', async () => {
    const dir = at('k3');
    const a = Uint8Array.from({ length: 16 }, (_, i) => i % 3);
    const b = Uint8Array.from({ length: 16 }, (_, i) => (i < 4 ? 0 : i % 3));
    await writeLabelMap(join(dir, 'gt', 'x.png'), { data: a, height: 4, width: 4 });
    await writeLabelMap(join(dir, 'pred', 'x_pred.png'), { data: b, height: 4, width: 4 });
    const r = await run('eval', 'seg', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), '--class-names', 'ground,tree,sky', '--no-progress');
    expect(r.code, r.err).toBe(0);
    const want = new ConfusionMatrix(3);
    want.updateArrays(b, a);
    expect(r.out).toMatch(new RegExp(`^tree\\s+IoU ${want.compute().iou[1]!.toFixed(4)} `, 'm'));
    expect(r.out).toMatch(/^sky\s+IoU /m);
    const plain = await run('eval', 'seg', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), '--classes', '3', '--no-progress');
    expect(plain.out).toMatch(/^class 2\s+IoU /m);
    const wrong = await run('eval', 'seg', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), '--classes', '4', '--class-names', 'a,b', '--no-progress');
    expect(wrong.err).toBe('error: --class-names has 2 names but --classes is 4: give one name per class\n');
  });

  it('--per-image writes pixel accuracy and mIoU per image (CSV and JSON), also from worker threads', async () => {
    const preds = gtLabelIds.map((g, i) => {
      const p = labelIdToTrainId(g);
      if (i === 1) p.fill(10, 0, 16 * W); // second image: top half sky
      return p;
    });
    const predDir = at('pred_pi');
    for (let i = 0; i < names.length; i++) await writeLabelMap(join(predDir, `${names[i]}_pred.png`), { data: preds[i]!, height: H, width: W });
    const want = preds.map((p, i) => {
      const cm = new ConfusionMatrix(19);
      cm.updateArrays(p, labelIdToTrainId(gtLabelIds[i]!));
      return cm.compute();
    });
    expect(want[0]!.meanIoU).toBe(1);
    expect(want[1]!.meanIoU).toBeLessThan(1);
    const csv = at('out', 'per_image.csv');
    const r = await run('eval', 'seg', '--pred', predDir, '--gt', tree, '--no-progress', '--per-image', csv);
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('name,pixelAccuracy,meanIoU,pixels');
    expect(lines.slice(1)).toEqual(names.map((n, i) => `${n},${want[i]!.pixelAccuracy},${want[i]!.meanIoU},${want[i]!.total}`));
    const json = at('out', 'per_image.json');
    const r2 = await run('eval', 'seg', '--pred', predDir, '--gt', tree, '--no-progress', '--per-image', json, '--workers', '2');
    expect(r2.code, r2.err).toBe(0);
    const rows = JSON.parse(readFileSync(json, 'utf8'));
    expect(rows.map((x: { name: string }) => x.name)).toEqual(names);
    expect(rows[1].meanIoU).toBeCloseTo(want[1]!.meanIoU, 12);
    expect(rows[1].iou[10]).toBeCloseTo(want[1]!.iou[10]!, 12);
    expect((await runUsage(['eval', 'seg', '--pred', predDir, '--gt', tree, '--per-image', at('x.txt')])).err).toMatch(/--per-image must end in \.csv or \.json/);
  }, 60_000);
});

describe('segaware eval img --per-image', () => {
  it('writes PSNR and SSIM per image, their means equal the table', async () => {
    const dir = (p: string) => fixturePath(`metrics_cli/${p}`);
    const json = at('img_per_image.json');
    const r = await run('eval', 'img', '--pred', dir('img/pred'), '--gt', dir('img/gt'), '--no-progress', '--per-image', json);
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(readFileSync(json, 'utf8')) as { name: string; psnr: number; ssim: number }[];
    expect(rows).toHaveLength(3);
    const expected = loadFixture('metrics_cli/expected.json');
    expect(rows.reduce((s, x) => s + x.psnr, 0) / 3).toBeCloseTo(expected.img.psnr, 9);
    expect(rows.reduce((s, x) => s + x.ssim, 0) / 3).toBeCloseTo(expected.img.ssim, 9);
  });
});

describe('segaware data: progress and --out', () => {
  it('data synth shows progress when forced (plain lines off a terminal), none with --quiet or by default off a terminal', async () => {
    const forced = await run('data', 'synth', '--out', at('p1'), '--count', '2', '--height', '16', '--width', '16', '--progress');
    expect(forced.code, forced.err).toBe(0);
    expect(forced.err).toMatch(/^synth step 2\/2 \(100\.0%\) \| .* it\/s \| elapsed \d+s \| ETA 0s$/m);
    for (const [pre, post] of [[['--quiet'], ['--progress']], [[], []]]) {
      const silent = await run(...pre!, 'data', 'synth', '--out', at('p2'), '--count', '2', '--height', '16', '--width', '16', ...post!);
      expect(silent.code).toBe(0);
      expect(silent.err).toBe('');
    }
  });

  it('data gallery requires --out (it wrote into ./docs/images of the working directory)', () => {
    const cwd = at('gallery-cwd');
    mkdirSync(cwd);
    // --import resolves from the working directory: name tsx's loader by its path
    const tsx = pathToFileURL(join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', tsx, join(process.cwd(), 'src/cli/index.ts'), 'data', 'gallery'], { encoding: 'utf8', cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: required option '--out <dir>' not specified\n");
    expect(listFiles(cwd)).toEqual([]);
  }, 60_000);

  it('refuses writes that leave --out: a symlink inside it, a --split with ..', async () => {
    const outside = at('outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.png'), 'original');
    const gallery = at('gallery');
    mkdirSync(gallery);
    symlinkSync(join(outside, 'keep.png'), join(gallery, 'synthetic_scenes.png'));
    const g = await run('data', 'gallery', '--out', gallery);
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/^error: refusing to write .*synthetic_scenes\.png: it resolves through a symlink to .*outside\/keep\.png, outside \(--out .*gallery\); every output stays inside --out\n$/);
    expect(readFileSync(join(outside, 'keep.png'), 'utf8')).toBe('original');
    const s = await run('data', 'synth', '--out', at('synth-out'), '--split', '../../escaped', '--count', '1', '--height', '16', '--width', '16');
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/^error: refusing to write .*escaped.*: it lies outside \(--out .*synth-out\)/);
    expect(existsSync(at('escaped'))).toBe(false);
    expect(listFiles(at('synth-out'))).toEqual([]);
  });

  it('data synth writes the Cityscapes-like tree under --out only', () => {
    expect(listFiles(tree)).toEqual(
      names.flatMap((n) => [`depth/train/synth/${n}_depth.png`]).concat(
        names.flatMap((n) => [`gtFine/train/synth/${n}_gtFine_color.png`, `gtFine/train/synth/${n}_gtFine_instanceIds.png`, `gtFine/train/synth/${n}_gtFine_labelIds.png`]),
        names.map((n) => `leftImg8bit/train/synth/${n}_leftImg8bit.png`),
        names.map((n) => `lights/train/synth/${n}_lights.png`),
      ),
    );
  });
});
