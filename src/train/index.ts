export { fileSystemIO, writeFileAtomic } from './file_system_io.js';
export { saveCheckpoint, loadCheckpoint, latestCheckpoint } from './checkpoint.js';
export type { CheckpointState, SaveCheckpointOptions, LoadedCheckpoint } from './checkpoint.js';
export { SeededRandom } from './rng.js';
