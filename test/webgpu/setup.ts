// Every webgpu test file starts on webgpu, forced (a software adapter is used too).
// Without an adapter every test is skipped with the reason — unless
// SEGAWARE_REQUIRE_WEBGPU=1 (CI), where the file fails.
import { beforeEach } from 'vitest';
import { initBackend } from '../../src/backend/index.js';

process.env.SEGAWARE_QUIET = '1';
delete process.env.SEGAWARE_BACKEND;
let reason: string | null = null;
try {
  await initBackend({ prefer: 'webgpu', quiet: true });
} catch (err) {
  reason = (err as Error).message;
}
if (reason !== null) {
  if (process.env.SEGAWARE_REQUIRE_WEBGPU === '1') {
    throw new Error(`SEGAWARE_REQUIRE_WEBGPU=1 but the webgpu backend did not start: ${reason}`);
  }
  const note = `webgpu unavailable, test skipped: ${reason}`;
  process.stderr.write(`segaware webgpu tests: ${note}\n`);
  beforeEach((ctx) => ctx.skip(note));
}
