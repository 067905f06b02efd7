/**
 * The platform-neutral face of `src/train` (what `src/core.ts` exports): optimizer and GAN
 * steps, the supervised step, Keras (`model.fit`) loss interop, LR schedules, the NaN guard,
 * RNG, SVG line charts, Markdown tables and the report types. The resumable loop, checkpoints,
 * run logs, progress bars and reports write files: `./index.ts`.
 */
export { supervisedStep, type SupervisedStepOptions } from './supervised_step.js';
export { asKerasLoss, type KerasLossFn, type KerasLossOptions, type SegmentationLossFn } from './keras_loss.js';
export { SeededRandom, tfSeed, type RandomState } from '../ops/rng.js';

export type { VariableSource } from './variables.js';
export { optimizerStep, type LossOutput, type OptimizerStepOptions, type StepTerms } from './optimizer_step.js';
export { createGanStep, type GanLossFn, type GanStep, type GanStepContext, type GanStepOptions } from './gan_step.js';
export {
  LR_SCHEDULE_TYPES,
  constantLr,
  cosineLr,
  createLrSchedule,
  linearDecayLr,
  polyLr,
  stepLr,
  withWarmup,
  type CosineLrOptions,
  type LinearDecayOptions,
  type LrSchedule,
  type LrScheduleSpec,
  type PolyLrOptions,
  type StepLrOptions,
} from './lr_schedule.js';
export { applyLrSchedule, getLearningRate, setLearningRate } from './set_learning_rate.js';
export { NanGuard, NonFiniteGradientError, NonFiniteLossError, assertFiniteTerms } from './nan_guard.js';
export type {
  ReportCell,
  ReportContent,
  ReportCurve,
  ReportImage,
  ReportImageGroup,
  ReportImageSource,
  ReportRawImage,
  ReportSeries,
  ReportTable,
} from './report_types.js';
export { lineChartSvg, type LineChartOptions } from './svg_line_plot.js';
export { markdownTable } from './markdown_table.js';
