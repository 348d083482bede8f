/**
 * The joins' acceptance on memory:// (LMDB stores in a temp datadir): a stream-table enrichment of
 * 100,000 events, and windowed stream-stream joins of out-of-order events with grace across a
 * worker restart, each equal to a reference computed in the test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { runEnrichment, runWindowedJoins } from '../../../../support/index.js';
import { removeTempDirs, tableApp, tempDir } from '../support.js';

after(removeTempDirs);

/** The keys whose values differ, for a readable failure. */
function differences(actual: Map<string, string>, expected: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of expected) {
    if (actual.get(key) !== value) out.push(`${key}: got ${actual.get(key)}, expected ${value}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) out.push(`${key}: unexpected`);
  return out.slice(0, 10);
}

describe('joins on memory://', () => {
  it('a stream-table enrichment of 100,000 events equals the reference (left and inner)', async () => {
    const outcome = await runEnrichment(
      () => tableApp({ settings: { topicPartitions: 4 } }),
      100_000,
      120_000,
    );
    assert.equal(outcome.left.size, 100_000);
    assert.deepEqual(differences(outcome.left, outcome.expectedLeft), []);
    assert.deepEqual(differences(outcome.inner, outcome.expectedInner), []);
    assert.ok(
      outcome.expectedInner.size < 100_000 && outcome.expectedInner.size > 50_000,
      'both kinds are exercised',
    );
  });

  it('windowed joins of out-of-order events with grace equal the reference, across a restart', async () => {
    const id = `joins-${randomBytes(4).toString('hex')}`;
    const broker = `memory://${id}`;
    const datadir = tempDir();
    const outcome = await runWindowedJoins(
      () => tableApp({ id, broker, settings: { datadir, topicPartitions: 2 } }),
      { phases: 10, perPhase: 60, partitions: 2, restartAfterPhase: 5, timeoutMs: 60_000 },
    );
    assert.ok(
      outcome.events.some((e) => e.late),
      'some events are late',
    );
    assert.ok(outcome.expected.inner.length > 50, 'events join');
    assert.ok(outcome.expected.outer.length > outcome.expected.left.length, 'some right events never join');
    assert.deepEqual(outcome.actual.inner, outcome.expected.inner);
    assert.deepEqual(outcome.actual.left, outcome.expected.left);
    assert.deepEqual(outcome.actual.outer, outcome.expected.outer);
  });
});
