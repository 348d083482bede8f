/**
 * Graceful stop under load on the real broker, exactly_once: SIGTERM of the only worker while
 * events stream in; it exits 0 (its stop time is printed; shutdownTimeout is 5 s), with its
 * processed offsets committed: what the sink holds is exactly what the committed offsets cover,
 * so a restart processes nothing twice; at the end every event is in the sink exactly once.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { brokerUrl, isKafkaUrl, requireBroker } from '../support/index.js';
import { FULL, PARTITIONS, printResult, SoakRun } from './support.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the fault suite needs a real Kafka broker';
const EVENTS = FULL ? 100_000 : 20_000;

describe('graceful stop under load (exactly_once)', { skip, timeout: 420_000 }, () => {
  it('SIGTERM: exit 0 within shutdownTimeout, offsets committed, nothing reprocessed after the restart', async () => {
    await requireBroker();
    const run = new SoakRun('graceful-stop', 'exactly_once', EVENTS);
    try {
      await run.setup();
      await run.start(0).waitFor(/SOAK READY/, 60_000);
      const feeding = run.feed(0, EVENTS, 8_000);
      await sleep(3_000);
      const stop = await run.stop(0, 60_000);
      const [answer] = await run.admin.fetchOffsets({ groupId: run.appId, topics: [run.input] });
      const committedAtStop = answer!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      const sinkAtStop = (await run.readCommitted(run.sink)).length;
      await feeding;
      await run.start(0).waitFor(/SOAK READY/, 60_000);
      await run.untilProcessed(180_000);
      await run.stop(0);
      const figures = await run.figures();
      printResult('graceful-stop guarantee=exactly_once', {
        ...figures,
        exitCode: stop.code,
        stopSeconds: stop.ms / 1000,
        committedAtStop,
        sinkAtStop,
        partitions: PARTITIONS,
      });
      assert.equal(stop.code, 0, 'exit code after SIGTERM');
      assert.ok(committedAtStop > 0, 'the worker had committed work when it stopped');
      assert.equal(sinkAtStop, committedAtStop, 'the sink holds exactly what the committed offsets cover');
      assert.equal(figures.lost, 0, 'events lost');
      assert.equal(figures.duplicates, 0, 'sink duplicates');
      assert.equal(figures.countsBelow + figures.countsAbove, 0, 'keys whose count is not exact');
    } finally {
      await run.teardown();
    }
  });
});
