/** Quiets tfjs-backend-cpu's first-use banner (both `initBackend`s print their own notice). */
import { tf } from '../tf.js';

/**
 * tfjs-backend-cpu prints a multi-line "install tfjs-node" banner on first
 * use; initBackend's notice already says which backend runs and why.
 * @internal
 */
export function silenceCpuBanner(): void {
  const cpu = tf.engine().backendNames().includes('cpu') ? (tf.engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null) : null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}
