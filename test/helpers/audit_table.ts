/**
 * The runner of the issue-16 audit tables (`test/audit_*.test.ts`): one row per bad-input
 * case and its expected outcome — a named error or a value. Each row runs twice (warm-up,
 * then a check that the repeated call, throwing or not, leaked no tensor).
 */
import { expect } from 'vitest';
import { tf } from '../../src/tf.js';

/** What a row expects: an error whose message matches (and optionally its class), or a value. */
export type AuditExpect = { error: RegExp; type?: new (...a: never[]) => Error } | { value: unknown };

/** One audit case. */
export interface AuditRow {
  name: string;
  /** the backend to run on (default: the suite's) */
  backend?: 'wasm' | 'cpu';
  run: () => unknown | Promise<unknown>;
  expect: AuditExpect;
}

async function onBackend(backend: AuditRow['backend'], f: () => Promise<void>): Promise<void> {
  const prev = tf.getBackend();
  if (backend && backend !== prev) await tf.setBackend(backend);
  try {
    await f();
  } finally {
    if (tf.getBackend() !== prev) await tf.setBackend(prev);
  }
}

/** Runs `row` twice and asserts its outcome both times and a flat tensor count. */
export async function checkAuditRow(row: AuditRow): Promise<void> {
  await onBackend(row.backend, async () => {
    const once = async (): Promise<{ value?: unknown; error?: Error }> => {
      try {
        return { value: await row.run() };
      } catch (e) {
        return { error: e as Error };
      }
    };
    const first = await once();
    const before = tf.memory().numTensors;
    const second = await once();
    expect(tf.memory().numTensors, 'no tensor leaked by a repeated call').toBe(before);
    for (const got of [first, second]) {
      if ('error' in row.expect) {
        expect(got.error, `expected an error, got ${JSON.stringify(got.value)}`).toBeDefined();
        expect(got.error!.message).toMatch(row.expect.error);
        if (row.expect.type) expect(got.error).toBeInstanceOf(row.expect.type);
      } else {
        if (got.error) throw got.error;
        expect(got.value).toEqual(row.expect.value);
      }
    }
  });
}
