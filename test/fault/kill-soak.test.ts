/**
 * kill -9 soak on the real broker: two workers count keyed events in a table and copy them to a
 * sink while a random one is SIGKILLed and restarted, again and again. exactly_once: every count
 * exact, every sequence number exactly once in the sink (read_committed). at_least_once: nothing
 * lost; duplicates counted. Sizes: FAUSTGEN_SOAK=full (npm run soak) 200,000 events and 20 kills
 * every 5-10 s; otherwise (npm test) 30,000 events and 4 kills every 3-5 s.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { brokerUrl, isKafkaUrl, requireBroker } from '../support/index.js';
import type { BrokerClientName } from '../support/broker-client.js';
import { FULL, faultClients, type Guarantee, printResult, randomBetween, SoakRun } from './support.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the fault suite needs a real Kafka broker';
const EVENTS = FULL ? 200_000 : 30_000;
const KILLS = FULL ? 20 : 4;
const GAP_MS: [number, number] = FULL ? [5_000, 10_000] : [3_000, 5_000];

async function soak(guarantee: Guarantee, client?: BrokerClientName) {
  await requireBroker();
  const run = new SoakRun(
    `soak-${guarantee === 'exactly_once' ? 'eos' : 'alo'}`,
    guarantee,
    EVENTS,
    1000,
    client,
  );
  try {
    await run.setup();
    run.start(0);
    run.start(1);
    await run.workers.get(0)!.waitFor(/SOAK READY/, 60_000);
    const feedMs = KILLS * ((GAP_MS[0] + GAP_MS[1]) / 2);
    const started = Date.now();
    const feeding = run.feed(0, EVENTS, feedMs);
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(randomBetween(...GAP_MS));
      const slot = Math.random() < 0.5 ? 0 : 1;
      await run.kill(slot);
      run.start(slot);
    }
    await feeding;
    await run.untilProcessed(240_000);
    const seconds = (Date.now() - started) / 1000;
    for (const slot of [0, 1]) await run.stop(slot);
    const figures = await run.figures();
    printResult(`kill-soak guarantee=${guarantee} client=${run.client}`, {
      ...figures,
      kills: KILLS,
      workers: 2,
      partitions: 4,
      seconds,
    });
    return figures;
  } finally {
    await run.teardown();
  }
}

describe('kill -9 soak: two workers, a counting table and a sink', {
  skip,
  timeout: FULL ? 2_400_000 : 720_000,
}, () => {
  for (const client of faultClients()) {
    it(`exactly_once on ${client}: every count exact, every sequence number exactly once in the sink`, async () => {
      const figures = await soak('exactly_once', client);
      assert.equal(figures.lost, 0, 'events lost');
      assert.equal(figures.duplicates, 0, 'sink duplicates');
      assert.equal(figures.countsBelow + figures.countsAbove, 0, 'keys whose count is not exact');
    });
  }

  it('at_least_once: nothing lost (duplicates counted)', async () => {
    const figures = await soak('at_least_once');
    assert.equal(figures.lost, 0, 'events lost');
    assert.equal(figures.countsBelow, 0, 'keys counted short');
  });
});
