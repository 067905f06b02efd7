/**
 * Type-level tests (checked by `tsc` and vitest's expectTypeOf): a Batch with
 * known fields needs no casts, optimizerStep's total needs no `!`.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Batch, BatchTensor, Dataset, SampleFields, StepTerms, SyntheticScene, TrainPhaseResult } from '../src/index.js';
import { optimizerStep, syntheticStreetScenes, tf, trainPhase } from '../src/index.js';
import type { Tensor, Tensor3D, Tensor4D } from '../src/tf.js';

describe('Batch<F>', () => {
  it('types image fields as Tensor4D, label fields as Tensor3D and names as string[]', () => {
    type B = Batch<'image' | 'clear' | 'labels' | 'instances'>;
    expectTypeOf<B['image']>().toEqualTypeOf<Tensor4D>();
    expectTypeOf<B['clear']>().toEqualTypeOf<Tensor4D>();
    expectTypeOf<B['labels']>().toEqualTypeOf<Tensor3D>();
    expectTypeOf<B['instances']>().toEqualTypeOf<Tensor3D>();
    expectTypeOf<B['names']>().toEqualTypeOf<string[]>();
    expectTypeOf<BatchTensor<'depth'>>().toEqualTypeOf<Tensor4D>();
    // a field not listed is a type error, not `Tensor | string[]`
    expectTypeOf<B>().not.toHaveProperty('depth');
  });

  it('batchAt / batches infer the fields from options.fields or the sample type', async () => {
    const scenes = syntheticStreetScenes({ count: 2, height: 16, width: 16 });
    expectTypeOf<SampleFields<SyntheticScene>>().toEqualTypeOf<'image' | 'labels' | 'instances' | 'depth'>();
    type Listed = Awaited<ReturnType<typeof scenes.batchAt<'image' | 'labels'>>>;
    expectTypeOf<Listed>().toEqualTypeOf<Batch<'image' | 'labels'>>();
    const b = await scenes.batchAt(0, { fields: ['image', 'labels'] });
    expectTypeOf(b.image).toEqualTypeOf<Tensor4D>();
    expectTypeOf(b.labels).toEqualTypeOf<Tensor3D>();
    const all = await scenes.batchAt(0);
    expectTypeOf(all.depth).toEqualTypeOf<Tensor4D>();
    expectTypeOf(all.instances).toEqualTypeOf<Tensor3D>();
    for await (const batch of scenes.batches({ fields: ['image'] })) expectTypeOf(batch.image).toEqualTypeOf<Tensor4D>();
    tf.dispose([b.image, b.labels, all.image, all.labels, all.instances, all.depth]);
    // a dataset whose fields are only known at run time keeps the loose batch
    expectTypeOf<Awaited<ReturnType<Dataset['batchAt']>>>().toEqualTypeOf<Batch>();
    expectTypeOf<Batch['image']>().toEqualTypeOf<Tensor | string[]>();
  });
});

describe('optimizerStep', () => {
  it('resolves to { total: number } & Record<string, number>, prefixed names typed too', () => {
    type Plain = Awaited<ReturnType<typeof optimizerStep<''>>>;
    expectTypeOf<Plain>().toEqualTypeOf<StepTerms>();
    expectTypeOf<Plain['total']>().toEqualTypeOf<number>();
    expectTypeOf<StepTerms>().toMatchTypeOf<{ total: number } & Record<string, number>>();
    expectTypeOf<StepTerms<'g_'>['g_total']>().toEqualTypeOf<number>();
    const _step = () => optimizerStep(tf.train.sgd(0.1), [], () => tf.scalar(0), { prefix: 'seg_' });
    expectTypeOf<Awaited<ReturnType<typeof _step>>['seg_total']>().toEqualTypeOf<number>();
  });

  it('trainPhase resolves to a TrainPhaseResult', () => {
    expectTypeOf(trainPhase).returns.resolves.toEqualTypeOf<TrainPhaseResult>();
  });
});
