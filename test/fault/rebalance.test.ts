/**
 * Rebalances under load on the real broker: 1 -> 2 -> 3 -> 1 workers while events stream in.
 * Nothing lost; counts exact with exactly_once (>= with at_least_once); the stall of each
 * rebalance (the longest pause in the sink's output after it) printed in seconds.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { brokerUrl, isKafkaUrl, requireBroker } from '../support/index.js';
import type { BrokerClientName } from '../support/broker-client.js';
import { FULL, faultClients, type Guarantee, printResult, SoakRun, stallsAfter } from './support.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the fault suite needs a real Kafka broker';
const EVENTS = FULL ? 120_000 : 24_000;
const STEP_MS = FULL ? 12_000 : 7_000;

async function rebalances(guarantee: Guarantee, client?: BrokerClientName) {
  await requireBroker();
  const name = `rebalance-${guarantee === 'exactly_once' ? 'eos' : 'alo'}`;
  const run = new SoakRun(name, guarantee, EVENTS, 1000, client);
  try {
    await run.setup();
    await run.start(0).waitFor(/SOAK READY/, 60_000);
    const feeding = run.feed(0, EVENTS, STEP_MS * 4);
    const moments: number[] = [];
    await sleep(STEP_MS);
    moments.push(Date.now());
    run.start(1);
    await sleep(STEP_MS);
    moments.push(Date.now());
    run.start(2);
    await sleep(STEP_MS);
    moments.push(Date.now());
    const stops = await Promise.all([run.stop(1), run.stop(2)]);
    await feeding;
    await run.untilProcessed(240_000);
    await run.stop(0);
    const figures = await run.figures();
    const stalls = stallsAfter(run.sinkRecords, moments, STEP_MS);
    printResult(`rebalance guarantee=${guarantee} client=${run.client}`, {
      ...figures,
      steps: '1->2->3->1',
      stallTo2: stalls[0],
      stallTo3: stalls[1],
      stallTo1: stalls[2],
      stopExitCodes: stops.map((s) => s.code).join(','),
    });
    assert.deepEqual(
      stops.map((s) => s.code),
      [0, 0],
      'workers stopped with SIGTERM exit 0',
    );
    return figures;
  } finally {
    await run.teardown();
  }
}

describe('rebalances under load: 1 -> 2 -> 3 -> 1 workers', { skip, timeout: 900_000 }, () => {
  for (const client of faultClients()) {
    it(`exactly_once on ${client}: nothing lost, nothing doubled, every count exact`, async () => {
      const figures = await rebalances('exactly_once', client);
      assert.equal(figures.lost, 0, 'events lost');
      assert.equal(figures.duplicates, 0, 'sink duplicates');
      assert.equal(figures.countsBelow + figures.countsAbove, 0, 'keys whose count is not exact');
    });
  }

  it('at_least_once: nothing lost, counts at least exact', async () => {
    const figures = await rebalances('at_least_once');
    assert.equal(figures.lost, 0, 'events lost');
    assert.equal(figures.countsBelow, 0, 'keys counted short');
  });
});
