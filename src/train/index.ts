/**
 * Training: the whole face of `src/train` for Node — the platform-neutral part (`./core.ts`)
 * plus the resumable training loop, checkpoints (files), run logs, progress bars, the `fit`
 * callbacks built on them and reports.
 */
export * from './core.js';
export { trainPhase, trainPhaseCheckpointDir, TrainPhaseStopped, type TrainPhaseOptions, type TrainPhaseResult } from './train_phase.js';
export { progressCallback, type ProgressCallbackOptions } from './progress_callback.js';
export { runLogCallback, type RunLogCallbackOptions } from './run_log_callback.js';
export { checkpointCallback, type CheckpointCallbackOptions } from './checkpoint_callback.js';
export { fileSystemIO } from './file_system_io.js';
export { saveCheckpoint, loadCheckpoint, latestCheckpoint, CheckpointCorruptError, NonFiniteWeightsError } from './checkpoint.js';
export type { CheckpointState, SaveCheckpointOptions, LoadCheckpointOptions, LoadCheckpointTarget, LoadedCheckpoint, SkippedCheckpoint } from './checkpoint.js';
export { RunLog, type RunLogEntry, type RunLogOptions, type RunLogValue } from './run_log.js';
export { runLogCurves, type RunLogCurvesOptions } from './run_log_curves.js';
export { createProgress, type Progress, type ProgressOptions, type ProgressStream } from './progress.js';
export { imageDataUri } from './report_images.js';
export { writeReport, type ReportPaths, type WriteReportOptions } from './write_report.js';
