/**
 * Training utilities (GAN step, optimizer step, LR schedules, run log,
 * progress, NaN guard, reports). The lead merges this into `src/train/index.ts`.
 */
export * from './variables.js';
export * from './optimizer_step.js';
export * from './gan_step.js';
export * from './lr_schedule.js';
export * from './set_learning_rate.js';
export * from './run_log.js';
export * from './progress.js';
export * from './nan_guard.js';
export * from './report_types.js';
export * from './svg_line_plot.js';
export * from './markdown_table.js';
export * from './report_images.js';
export * from './write_report.js';
