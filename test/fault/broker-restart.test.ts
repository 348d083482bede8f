/**
 * The broker stopped mid-stream and started again (the test broker of scripts/kafka/broker.sh):
 * two exactly_once workers recover by themselves, nothing is lost or doubled, and the time from
 * the broker serving again to the sink's next record is printed. Skipped when the broker at
 * FAUSTGEN_BROKER is not one broker.sh runs (it cannot be restarted from here).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brokerUrl, isKafkaUrl, kafkaBrokers, requireBroker } from '../support/index.js';
import { FULL, printResult, SoakRun } from './support.js';

const BROKER_SH = fileURLToPath(new URL('../../../scripts/kafka/broker.sh', import.meta.url));
const EVENTS = FULL ? 60_000 : 20_000;
const DOWN_MS = FULL ? 20_000 : 10_000;

function brokerScript(command: 'start' | 'stop' | 'status'): void {
  const port = kafkaBrokers(brokerUrl())[0]!.split(':').pop()!;
  execFileSync('bash', [BROKER_SH, command], { env: { ...process.env, KAFKA_PORT: port }, stdio: 'pipe' });
}

function managedBroker(): boolean {
  if (!isKafkaUrl(brokerUrl())) return false;
  try {
    brokerScript('status');
    return true;
  } catch {
    return false;
  }
}

const skip = managedBroker() ? false : 'needs a broker run by scripts/kafka/broker.sh at FAUSTGEN_BROKER';

describe('broker restart mid-stream (exactly_once, two workers)', { skip, timeout: 480_000 }, () => {
  it('workers recover by themselves; nothing lost or doubled', async () => {
    await requireBroker();
    const run = new SoakRun('broker-restart', 'exactly_once', EVENTS);
    try {
      await run.setup();
      run.start(0);
      run.start(1);
      await run.workers.get(0)!.waitFor(/SOAK READY/, 60_000);
      await run.feed(0, EVENTS / 2, 3_000);
      brokerScript('stop');
      await sleep(DOWN_MS);
      brokerScript('start');
      const servingAgain = Date.now();
      await run.feed(EVENTS / 2, EVENTS, 3_000);
      await run.untilProcessed(240_000);
      const alive = [...run.workers.values()].filter((w) => w.child.exitCode === null).length;
      for (const slot of [0, 1]) await run.stop(slot);
      const figures = await run.figures();
      const next = run.sinkRecords.map((r) => r.timestamp).filter((t) => t >= servingAgain);
      const resumeSeconds = next.length > 0 ? (Math.min(...next) - servingAgain) / 1000 : -1;
      printResult('broker-restart guarantee=exactly_once', {
        ...figures,
        downSeconds: DOWN_MS / 1000,
        resumeSeconds,
        workersAlive: alive,
      });
      assert.equal(alive, 2, `both workers alive after the outage\n${run.logs()}`);
      assert.equal(figures.lost, 0, 'events lost');
      assert.equal(figures.duplicates, 0, 'sink duplicates');
      assert.equal(figures.countsBelow + figures.countsAbove, 0, 'keys whose count is not exact');
    } finally {
      try {
        brokerScript('start');
      } catch {}
      await run.teardown();
    }
  });
});
