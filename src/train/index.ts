/**
 * Training: the resumable training loop, Keras (`model.fit`) interop, checkpoints, RNG, GAN and
 * optimizer steps, schedules, run logs, progress, NaN guard and reports.
 */
export { trainPhase, trainPhaseCheckpointDir, TrainPhaseStopped, type TrainPhaseOptions, type TrainPhaseResult } from './train_phase.js';
export { supervisedStep, type SupervisedStepOptions } from './supervised_step.js';
export { asKerasLoss, type KerasLossFn, type KerasLossOptions, type SegmentationLossFn } from './keras_loss.js';
export { progressCallback, type ProgressCallbackOptions } from './progress_callback.js';
export { runLogCallback, type RunLogCallbackOptions } from './run_log_callback.js';
export { checkpointCallback, type CheckpointCallbackOptions } from './checkpoint_callback.js';
export { fileSystemIO } from './file_system_io.js';
export { saveCheckpoint, loadCheckpoint, latestCheckpoint, CheckpointCorruptError, NonFiniteWeightsError } from './checkpoint.js';
export type { CheckpointState, SaveCheckpointOptions, LoadCheckpointOptions, LoadCheckpointTarget, LoadedCheckpoint, SkippedCheckpoint } from './checkpoint.js';
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
export { RunLog, type RunLogEntry, type RunLogOptions, type RunLogValue } from './run_log.js';
export { runLogCurves, type RunLogCurvesOptions } from './run_log_curves.js';
export { createProgress, type Progress, type ProgressOptions, type ProgressStream } from './progress.js';
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
export { imageDataUri } from './report_images.js';
export { writeReport, type ReportPaths, type WriteReportOptions } from './write_report.js';
