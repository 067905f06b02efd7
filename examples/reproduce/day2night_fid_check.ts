/**
 * `npx tsx examples/reproduce/day2night_fid_check.ts [--seeds 3] [--study runs/reproduce/day2night-study]`
 *
 * The diagnosis of "the translators' FID does not beat no translation" (day→night study): for each
 * seed the trained translators are reloaded from the study's run folder and scored by the same FID
 * as the study (P3 features of the day-only segmenter) on two more inputs: each translator's
 * reconstruction within a domain (day → latent → day, night → latent → night) against the real
 * images of that domain. A reconstruction changes no domain: if it is as far from its own domain as
 * the translation is from the other, the FID measures the decoders' image quality (under-trained
 * auto-encoders), not a failed day→night mapping. The study's own "no translation" and
 * "day → night" FIDs are recomputed too: they equal the study's, a check that the models and data are the study's.
 * Writes `docs/reproduction/day2night-fid-check.md` (+ JSON).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { FeatureStatistics, fileSystemIO, initBackend, tf, tfl } from '../../src/index.js';
import type { Tensor } from '../../src/tf.js';
import { syntheticDay2nightData, rasterToBatch, batchToRasters, type HostImage } from '../day2night/night_data.js';
import { featureModel, imageFeatures } from '../day2night/run_day2night.js';
import { DAY2NIGHT_SCALES } from './day2night_study.js';
import { meanStd } from './stats.js';

const cmd = new Command('day2night-fid-check')
  .option('--seeds <n>', 'seeds 0…n−1 of the study', (v) => Number(v), 3)
  .option('--study <dir>', 'the study run folder holding seed-<k>/models', 'runs/reproduce/day2night-study')
  .option('--report <dir>', 'where the report goes', 'docs/reproduction');
cmd.parse(process.argv);
const o = cmd.opts<{ seeds: number; study: string; report: string }>();
await initBackend();

const sc = DAY2NIGHT_SCALES.study;
const load = (seed: number, name: string) => tfl.loadLayersModel(fileSystemIO(join(o.study, `seed-${seed}`, 'models', name)));
const ROWS = ['No translation: day vs night', 'UNIT day → night vs night', 'UNIT+VGG day → night vs night', 'UNIT day → day vs day', 'UNIT+VGG day → day vs day', 'UNIT night → night vs night', 'UNIT+VGG night → night vs night'] as const;
const perSeed: Record<string, number[]> = Object.fromEntries(ROWS.map((r) => [r, []]));
for (let seed = 0; seed < o.seeds; seed++) {
  if (!existsSync(join(o.study, `seed-${seed}`, 'models', 'seg_day'))) throw new Error(`--study ${o.study}: no seed-${seed}/models (run the study first)`);
  const tmp = await mkdtemp(join(tmpdir(), 'segaware-fidcheck-'));
  const data = await syntheticDay2nightData({ size: sc.size, seed, trainCount: sc.trainCount, testCount: sc.testCount, poolCount: sc.poolCount, out: tmp });
  const judge = featureModel(await load(seed, 'seg_day'));
  const hosts = async (ds: { length: number; get(i: number): Promise<unknown> }) => {
    const out: HostImage[] = [];
    for (let i = 0; i < ds.length; i++) out.push(((await ds.get(i)) as { image: HostImage }).image);
    return out;
  };
  const night = await hosts(data.test);
  const day = await hosts(data.dayReference);
  const stats = async (images: HostImage[]) => {
    const st = new FeatureStatistics();
    for (const im of images) st.update(await imageFeatures(judge, im));
    return st;
  };
  const through = async (enc: tfl.LayersModel, dec: tfl.LayersModel, images: HostImage[]) => {
    const out: HostImage[] = [];
    for (const im of images) {
      const x = rasterToBatch(im);
      const y = tf.tidy(() => dec.apply(enc.apply(x, { training: false }) as Tensor, { training: false }) as Tensor);
      out.push((await batchToRasters(y))[0]!);
      tf.dispose([x, y]);
    }
    return out;
  };
  const realNight = await stats(night);
  const realDay = await stats(day);
  perSeed[ROWS[0]]!.push((await stats(day)).frechetDistance(realNight));
  for (const [tag, prefix] of [['UNIT', 'unit'], ['UNIT+VGG', 'unit_vgg']] as const) {
    const [encA, encB, decA, decB] = await Promise.all(['enc_a', 'enc_b', 'dec_a', 'dec_b'].map((k) => load(seed, `${prefix}_${k}`)));
    perSeed[`${tag} day → night vs night`]!.push((await stats(await through(encA!, decB!, day))).frechetDistance(realNight));
    perSeed[`${tag} day → day vs day`]!.push((await stats(await through(encA!, decA!, day))).frechetDistance(realDay));
    perSeed[`${tag} night → night vs night`]!.push((await stats(await through(encB!, decB!, night))).frechetDistance(realNight));
    for (const m of [encA, encB, decA, decB]) m!.dispose();
  }
  judge.dispose();
  await rm(tmp, { recursive: true, force: true });
  console.log(`seed ${seed}: ${ROWS.map((r) => `${r} ${perSeed[r]!.at(-1)!.toFixed(1)}`).join('; ')}`);
}
const md = [
  '# Day→night: what the translators’ FID measures',
  '',
  `Command: \`npx tsx examples/reproduce/day2night_fid_check.ts --seeds ${o.seeds}\` on the study's run folder (seeds ${[...Array(o.seeds).keys()].join(', ')}). FID of the day-only segmenter's FPN P3 features, as in the study (lower is better). The first three rows recompute the study's FID_Night rows from the reloaded models and the regenerated data; they equal the study's values (day2night.json), which checks that both are the study's.`,
  '',
  '| images vs reference | FID, mean ± std over seeds | per seed |',
  '|---|---:|---|',
  ...ROWS.map((r) => {
    const s = meanStd(perSeed[r]!);
    return `| ${r} | ${s.mean.toFixed(1)} ± ${s.std.toFixed(1)} | ${perSeed[r]!.map((v) => v.toFixed(1)).join(', ')} |`;
  }),
  '',
].join('\n');
await mkdir(o.report, { recursive: true });
await writeFile(join(o.report, 'day2night-fid-check.md'), md);
await writeFile(join(o.report, 'day2night-fid-check.json'), JSON.stringify({ seeds: o.seeds, scale: sc, fid: perSeed }, null, 2) + '\n');
console.log(md);
