/**
 * The joins' acceptance on the real broker: a stream-table enrichment of 100,000 events, and
 * windowed stream-stream joins (inner, left, outer) of out-of-order events with grace across a
 * worker restart, each equal to a reference computed in the test (test/support/join-scenarios.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App } from '../../runtime/index.js';
import {
  brokerUrl,
  isKafkaUrl,
  requireBroker,
  runEnrichment,
  runWindowedJoins,
  uniqueName,
} from '../support/index.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'join tests need a real Kafka broker';

describe('joins on the real broker', { skip, timeout: 300_000 }, () => {
  const dirs: string[] = [];

  before(async () => {
    await requireBroker();
  });

  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function worker(appId: string, datadir: string, partitions: number): App {
    return new App(appId, {
      broker: brokerUrl(),
      topicPartitions: partitions,
      brokerCommitInterval: 0.2,
      logLevel: 'error',
      webEnabled: false,
      datadir,
    });
  }

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'faustgen-joins-it-'));
    dirs.push(dir);
    return dir;
  }

  it('a stream-table enrichment of 100,000 events equals the reference (left and inner)', async () => {
    const appId = uniqueName('joins-enrich');
    const datadir = tempDir();
    const outcome = await runEnrichment(() => worker(appId, datadir, 4), 100_000, 180_000);
    assert.equal(outcome.left.size, 100_000);
    for (const [id, expected] of outcome.expectedLeft) assert.equal(outcome.left.get(id), expected, id);
    assert.equal(outcome.inner.size, outcome.expectedInner.size);
    for (const [id, expected] of outcome.expectedInner) assert.equal(outcome.inner.get(id), expected, id);
  });

  it('windowed joins of out-of-order events with grace equal the reference, across a restart', async () => {
    const appId = uniqueName('joins-window');
    const datadir = tempDir();
    const outcome = await runWindowedJoins(() => worker(appId, datadir, 2), {
      phases: 10,
      perPhase: 60,
      partitions: 2,
      restartAfterPhase: 5,
      timeoutMs: 120_000,
    });
    assert.ok(
      outcome.events.some((e) => e.late),
      'some events are late',
    );
    assert.deepEqual(outcome.actual.inner, outcome.expected.inner);
    assert.deepEqual(outcome.actual.left, outcome.expected.left);
    assert.deepEqual(outcome.actual.outer, outcome.expected.outer);
  });
});
