import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../src/errors.js';
import { sniffImageType } from '../src/train/report_images.js';
import { niceTicks } from '../src/train/svg_line_plot.js';
import { RunLog, imageDataUri, lineChartSvg, markdownTable, writeReport, type ReportContent } from '../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 6×4 RGB gradient as raw pixels. */
function rawImage() {
  const data = new Uint8Array(6 * 4 * 3);
  for (let i = 0; i < 24; i++) data.set([i * 10, 255 - i * 10, 128], i * 3);
  return { data, width: 6, height: 4, channels: 3 as const };
}

async function content(): Promise<ReportContent> {
  const png = join(dir, 'sample.png');
  const raw = rawImage();
  await sharp(Buffer.from(raw.data), { raw }).png().toFile(png);
  const jpeg = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).jpeg().toBuffer());
  const log = new RunLog(join(dir, 'run.jsonl'));
  for (let s = 1; s <= 50; s++) log.log(s, { d_total: 0.7 - s * 0.004 + 0.02 * Math.sin(s), g_l1: 1 / s });
  const entries = log.entries();
  return {
    title: 'DFS <synthetic> & friends',
    subtitle: 'tiny run',
    tables: [
      {
        title: 'Test set',
        columns: ['method', 'PSNR', 'SSIM', 'mIoU'],
        rows: [
          ['Hazy', 14.123456, 0.7012, 0.41],
          ['Dehaze', 21.5, 0.8731, 0.47],
          ['DFS', 21.9, 0.8699, 0.52],
          ['GT(clear)', Infinity, 1, null],
        ],
        digits: 2,
        best: { SSIM: 'max', mIoU: 'max' },
        caption: 'held-out synthetic scenes',
      },
    ],
    curves: [
      { title: 'discriminator', series: [{ name: 'd_total', ...RunLog.series(entries, 'd_total') }], smooth: 0.6 },
      { title: 'generator L1', series: [{ name: 'g_l1', ...RunLog.series(entries, 'g_l1') }], logY: true, yLabel: 'L1' },
    ],
    images: [{ title: 'samples', columns: 3, items: [{ src: png, label: 'from file' }, { src: jpeg, label: 'jpeg bytes' }, { src: raw, label: 'raw pixels' }] }],
    summary: { steps: 50, seed: 1, finalPsnr: 21.9, config: { size: 64, batch: 2 }, diverged: Number.NaN },
    notes: ['DFS beats Dehaze on mIoU at this scale.'],
  };
}

describe('writeReport', () => {
  it('writes one self-contained HTML page with the table, SVG curves and embedded images, plus summary.json and Markdown', async () => {
    const out = join(dir, 'report');
    const paths = await writeReport(out, await content());
    expect(paths).toEqual({ html: join(out, 'report.html'), markdown: join(out, 'report.md'), summary: join(out, 'summary.json') });
    const html = readFileSync(paths.html, 'utf8');
    // structure
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>DFS &lt;synthetic&gt; &amp; friends</title>');
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect((html.match(/<path class="series" data-name="(d_total|g_l1)" d="M/g) ?? []).length).toBe(2);
    expect(html).toMatch(/<table><thead><tr><th>method<\/th><th class="num">PSNR<\/th>/);
    expect(html).toContain('<td class="num">14.12</td>');
    expect(html).toContain('<td class="num best">1</td>'); // best SSIM is the GT row's 1
    expect(html).toContain('<td class="num">0.87</td>');
    expect(html).toContain('<td class="num best">0.52</td>');
    expect(html).toContain('<td class="num">∞</td>');
    expect(html).toContain('DFS beats Dehaze on mIoU at this scale.');
    expect(html).toContain('(log scale)');
    // images embedded as data URIs: two PNG, one JPEG
    expect((html.match(/<img src="data:image\/png;base64,iVBORw0KGgo/g) ?? []).length).toBe(2);
    expect((html.match(/<img src="data:image\/jpeg;base64,\/9j\//g) ?? []).length).toBe(1);
    // self-contained: no reference to anything outside the file
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(?!data:|#)/); // only data URIs and in-page anchors (the click-to-enlarge links)
    expect(html).not.toMatch(/url\(|@import|<script|<link/);
    // summary.json
    const summary = JSON.parse(readFileSync(paths.summary, 'utf8'));
    expect(summary.title).toBe('DFS <synthetic> & friends');
    expect(summary.summary).toEqual({ steps: 50, seed: 1, finalPsnr: 21.9, config: { size: 64, batch: 2 }, diverged: 'NaN' });
    expect(summary.tables[0].rows[3]).toEqual(['GT(clear)', 'Infinity', 1, null]);
    // Markdown
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('# DFS <synthetic> & friends');
    expect(md).toContain('| method | PSNR | SSIM | mIoU |\n|---|---:|---:|---:|\n| Hazy | 14.12 | 0.70 | 0.41 |');
    expect(md).toContain('| DFS | 21.90 | 0.87 | **0.52** |');
    expect(md).toContain('| config | size: 64, batch: 2 |');
  });

  it('validates its input before writing anything', async () => {
    const out = join(dir, 'bad');
    await expect(writeReport(out, { title: '' })).rejects.toThrow(/content\.title/);
    await expect(writeReport(out, { title: 't', tables: [{ columns: ['a', 'b'], rows: [[1]] }] })).rejects.toThrow(/tables\[0\]\.rows\[0\]/);
    await expect(writeReport(out, { title: 't', images: [{ items: [{ src: join(dir, 'nope.png') }] }] })).rejects.toThrow(NotFoundError);
    await expect(writeReport(out, { title: 't', curves: [{ title: 'c', series: [{ name: 's', x: [1, 2], y: [1] }] }] })).rejects.toThrow(/curves\[0\]/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('report pieces', () => {
  it('lineChartSvg breaks lines at non-finite values and handles empty data', () => {
    const svg = lineChartSvg({ title: 'x', series: [{ name: 'a', x: [1, 2, 3, 4, 5], y: [1, 2, Number.NaN, 4, 5] }] });
    const d = svg.match(/ d="([^"]+)"/)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    expect(lineChartSvg({ title: 'empty', series: [] })).toContain('no data');
    // decimation keeps the spike
    const n = 10000;
    const y = Array.from({ length: n }, (_, i) => (i === 7777 ? 100 : 1));
    const big = lineChartSvg({ title: 'big', series: [{ name: 'b', x: y.map((_, i) => i), y }] });
    const pts = big.match(/ d="([^"]+)"/)![1]!.split(/[ML]/).filter(Boolean).map((p) => p.split(' ').map(Number));
    expect(pts.length).toBeLessThanOrEqual(1500);
    expect(Math.min(...pts.map((p) => p[1]!))).toBeLessThan(50); // the spike reaches near the top
  });

  it('niceTicks gives 1-2-5 steps covering the range', () => {
    expect(niceTicks(0, 0.93, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(2, 2, 5).length).toBeGreaterThan(1);
  });

  it('bestExclude leaves reference rows out of the best-cell comparison', () => {
    const md = markdownTable({ columns: ['', 'mIoU'], rows: [['Hazy', 0.4], ['DFS', 0.5], ['GT', 0.6]], best: { mIoU: 'max' }, bestExclude: ['GT'], digits: 1 });
    expect(md).toContain('| DFS | **0.5** |');
    expect(md).toContain('| GT | 0.6 |');
  });

  it('markdownTable escapes pipes and bolds the best cell', () => {
    const md = markdownTable({ columns: ['a|b', 'v'], rows: [['x|y', 1.5], ['z', 0.25]], best: { v: 'min' }, digits: 2 });
    expect(md).toBe('| a\\|b | v |\n|---|---:|\n| x\\|y | 1.50 |\n| z | **0.25** |\n');
  });

  it('imageDataUri embeds PNG/JPEG as is, converts other formats and raw pixels to PNG', async () => {
    const raw = rawImage();
    const png = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).png().toBuffer());
    expect(await imageDataUri(png)).toBe(`data:image/png;base64,${Buffer.from(png).toString('base64')}`);
    const tiff = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).tiff({ compression: 'lzw' }).toBuffer());
    expect(sniffImageType(tiff)).toBeNull();
    const fromTiff = await imageDataUri(tiff);
    expect(fromTiff.startsWith('data:image/png;base64,')).toBe(true);
    const decoded = await sharp(Buffer.from(fromTiff.split(',')[1]!, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info.width).toBe(6);
    expect(Array.from(decoded.data)).toEqual(Array.from(raw.data));
    const fromRaw = await imageDataUri(raw);
    const back = await sharp(Buffer.from(fromRaw.split(',')[1]!, 'base64')).raw().toBuffer();
    expect(Array.from(back)).toEqual(Array.from(raw.data)); // lossless
    await expect(imageDataUri({ ...raw, width: 5 })).rejects.toThrow(InvalidArgumentError);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'not an image');
    await expect(imageDataUri(junk)).rejects.toThrow(/image file/);
  });

  it('folds long summary values into <details> and keeps short ones inline', async () => {
    const out = join(dir, 'report-long');
    const scores = Object.fromEntries(['Hazy', 'Dehaze', 'DFS', 'DFS + L_seg', 'clear (GT)'].map((k) => [k, { psnr: 13.930937155533524, ssim: 0.32828190680706565, meanIoU: 0.1420468549058634 }]));
    const paths = await writeReport(out, { title: 'long', summary: { seed: 3, scores } });
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('<th>seed</th><td>3</td>');
    expect(html).toMatch(/<th>scores<\/th><td><details><summary>[^<]*…<\/summary><code>Hazy: \(psnr: 13\.93, ssim: 0\.3283, meanIoU: 0\.142\), [^<]*<\/code><\/details>/);
    expect(html).not.toContain('13.930937155533524'); // rounded to 4 significant digits
  });
});

describe('report polish', () => {
  /** The plot rectangle (the framed area the curves are drawn in) of an SVG from lineChartSvg. */
  const plotRect = (svg: string) => {
    const m = svg.match(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none" stroke="#999"\/>/)!;
    const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
    return { x, y, w, h };
  };

  it('sample grids show images at natural size, each a click-to-enlarge link (no squeezing auto-fill columns)', async () => {
    const raw = rawImage();
    const paths = await writeReport(join(dir, 'grid'), { title: 'g', images: [{ title: 'auto', items: [{ src: raw, label: 'a' }, { src: raw }] }, { columns: 2, items: [{ src: raw }] }] });
    const html = readFileSync(paths.html, 'utf8');
    expect(html).not.toContain('minmax(160px');
    expect(html).not.toMatch(/\.grid img \{[^}]*(?<!-)width: 100%/); // the old rule that stretched/squeezed every image to its column
    expect(html).toMatch(/\.grid img \{[^}]*max-width: 100%; width: auto; height: auto/);
    expect(html).toContain('grid-template-columns: repeat(2, max-content)');
    // each figure is its own link target, and :target enlarges it (CSS only, no script)
    for (const id of ['img-0-0', 'img-0-1', 'img-1-0']) {
      expect(html).toContain(`<figure id="${id}"><a href="#${id}" title="click to enlarge"><img src="data:image/png;base64,`);
    }
    expect(html).toMatch(/figure:target img \{[^}]*position: fixed[^}]*object-fit: contain/);
    expect(html).toContain('<a class="close" href="#_" aria-label="close"></a>');
    expect(html).not.toContain('<script');
  });

  it('the Summary table formats numbers to 4 significant digits and objects as key: value, never raw JSON', async () => {
    const paths = await writeReport(join(dir, 'summary-format'), {
      title: 's',
      summary: { a: { a: 0.123456 }, psnr: 21.934567, steps: 2000, tiny: 3.2e-7, sizes: [64, 128], nested: { model: { depth: 3 }, ok: true }, none: null },
    });
    const html = readFileSync(paths.html, 'utf8');
    const cell = (k: string) => html.match(new RegExp(`<th>${k}</th><td>([^<]*)</td>`))?.[1];
    expect(cell('a')).toBe('a: 0.1235');
    expect(cell('psnr')).toBe('21.93');
    expect(cell('steps')).toBe('2000');
    expect(cell('tiny')).toBe('3.200e-7');
    expect(cell('sizes')).toBe('64, 128');
    expect(cell('nested')).toBe('model: (depth: 3), ok: yes');
    expect(cell('none')).toBe('—');
    expect(html).not.toMatch(/<td>[^<]*[{"][^<]*<\/td>/); // no JSON braces or quotes in any summary cell
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('| a | a: 0.1235 |');
    // summary.json keeps full precision
    expect(JSON.parse(readFileSync(paths.summary, 'utf8')).summary.a).toEqual({ a: 0.123456 });
  });

  it('a step axis gets integer tick labels', () => {
    const tickLabels = (svg: string) => {
      const r = plotRect(svg);
      const below = r.y + r.h + 15; // x tick labels sit 15 px below the plot
      return [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="middle">([^<]+)<\/text>/g)].filter((m) => Number(m[1]) === below).map((m) => m[2]!);
    };
    const steps = Array.from({ length: 8 }, (_, i) => i); // 0..7
    for (const x of [steps, [1, 2, 3], [5, 6]]) {
      const labels = tickLabels(lineChartSvg({ title: 't', series: [{ name: 'loss', x, y: x.map((v) => 1 / (v + 1)) }] }));
      expect(labels.length).toBeGreaterThan(1);
      for (const l of labels) expect(Number.isInteger(Number(l)), `tick ${l} of [${x}]`).toBe(true);
    }
    expect(niceTicks(1, 3, 6, true)).toEqual([1, 2, 3]);
    expect(niceTicks(1, 3, 6)).toEqual([1, 1.5, 2, 2.5, 3]); // a non-integer axis keeps fractional ticks
    // and a real-valued x axis still gets fractional ticks
    const frac = tickLabels(lineChartSvg({ title: 't', series: [{ name: 'v', x: [0.1, 0.35, 0.9], y: [1, 2, 3] }] }));
    expect(frac.some((l) => !Number.isInteger(Number(l)))).toBe(true);
  });

  it('the legend sits outside the plot rectangle, so it never covers a curve', () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const svg = lineChartSvg({ title: 't', series: [{ name: 'g_total', x, y: x.map((v) => v) }, { name: 'd_total', x, y: x.map((v) => 20 - v) }] });
    const r = plotRect(svg);
    const legend = svg.match(/<g class="legend"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/)!;
    const [lx, , lw] = legend.slice(1).map(Number) as [number, number, number, number];
    expect(lx).toBeGreaterThanOrEqual(r.x + r.w); // right of the plot
    expect(lx + lw).toBeLessThanOrEqual(640); // and inside the SVG
    // every curve point lies inside the plot rectangle, left of the legend
    for (const m of svg.matchAll(/<path class="series"[^>]* d="([^"]+)"/g)) {
      for (const p of m[1]!.split(/[ML]/).filter(Boolean)) expect(Number(p.split(' ')[0])).toBeLessThanOrEqual(r.x + r.w + 1e-9);
    }
  });

  it('lineChartSvg and writeReport reject misspelled option keys, naming the function and the nearest key', async () => {
    expect(() => lineChartSvg({ title: 't', series: [] }, { widht: 300 } as never)).toThrow(/lineChartSvg: options\.widht.*did you mean "width"/s);
    await expect(writeReport(join(dir, 'x'), { title: 't' }, { basname: 'r' } as never)).rejects.toThrow(/writeReport: options\.basname.*did you mean "basename"/s);
    await expect(writeReport(join(dir, 'x'), { title: 't' }, { basename: 'a/b' })).rejects.toThrow(/writeReport: options\.basename/);
  });
});
