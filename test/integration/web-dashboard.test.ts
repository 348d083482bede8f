/**
 * The dashboard in a real browser: headless Chromium (Debian's `chromium`) driven by
 * playwright-core opens /dashboard on a running worker that is counting words, and sees the
 * agent and a non-zero events/s. A screenshot goes to test/artifacts/. Without Chromium the test
 * is skipped (saying why), except with CI=true, where a missing Chromium is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { chromium } from 'playwright-core';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  freePort,
  isKafkaUrl,
  requireBroker,
  uniqueName,
  WorkerProcess,
} from '../support/index.js';

// FAUSTGEN_TEST_CHROMIUM points elsewhere (e.g. to check the skip and the CI failure).
const CHROMIUM = process.env.FAUSTGEN_TEST_CHROMIUM ?? '/usr/bin/chromium';
const WORKER = new URL('./apps/web-counter.js', import.meta.url);
const ARTIFACTS = fileURLToPath(new URL('../../../test/artifacts/', import.meta.url));

function skipReason(): string | false {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') return false; // the test runs and fails below
    return `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;
  }
  if (!isKafkaUrl(brokerUrl())) return 'the dashboard test needs a real Kafka broker';
  return false;
}

const skip = skipReason();
if (skip) console.log(`web-dashboard: skipped: ${skip}`);

describe('web: the dashboard in headless Chromium', { skip, timeout: 180_000 }, () => {
  let admin: Admin;
  let worker: WorkerProcess | undefined;
  let producer: Producer | undefined;
  let producing = false;
  let producerLoop: Promise<void> | undefined;
  let url = '';
  const appId = uniqueName('webdash');
  const topic = `${appId}-words`;
  const dataDir = mkdtempSync(join(tmpdir(), `${appId}-`));
  const profileDir = mkdtempSync(join(tmpdir(), `${appId}-chromium-`));

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `CI=true and no Chromium at ${CHROMIUM}: .ci/run should have installed it`,
    );
    await requireBroker();
    admin = await connectAdmin();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    worker = new WorkerProcess(WORKER, ['worker'], {
      APP_ID: appId,
      WORDS_TOPIC: topic,
      WEB_PORT: String(port),
      DATA_DIR: dataDir,
      FAUSTGEN_BROKER: brokerUrl(),
    });
    const started = Date.now();
    while (
      (await fetch(`${url}/health/ready`)
        .then((r) => r.status)
        .catch(() => 0)) !== 200
    ) {
      if (Date.now() - started > 90_000) throw new Error(`worker not ready:\n${worker.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    producer = createKafka().producer();
    await producer.connect();
    producing = true;
    producerLoop = (async () => {
      for (let n = 0; producing; n++) {
        const messages = Array.from({ length: 50 }, (_, i) => ({
          key: JSON.stringify(`w${(n * 50 + i) % 97}`),
          value: JSON.stringify({ n }),
        }));
        await producer!.send({ topic, messages });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  });

  after(async () => {
    producing = false;
    await producerLoop?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await worker?.ensureStopped();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  });

  it('shows the agents and a non-zero events/s', async () => {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${url}/dashboard`);
      await page.locator('#agents tbody td', { hasText: 'count' }).first().waitFor({ timeout: 30_000 });
      // A string, evaluated in the page (this file is compiled without the DOM's types).
      await page.waitForFunction(
        "Number(document.querySelector('#eps')?.textContent ?? '0') > 0",
        undefined,
        {
          timeout: 30_000,
        },
      );
      const agentRow = await page
        .locator('#agents tbody tr', { hasText: 'count' })
        .first()
        .locator('td')
        .allTextContents();
      const eps = Number(await page.locator('#eps').textContent());
      assert.equal(agentRow[0], 'count');
      assert.ok(eps > 0, `events/s shown: ${eps}`);
      const agentEps = Number(agentRow[1]);
      assert.ok(agentEps > 0, `the agent's events/s: ${agentRow.join(' | ')}`);
      assert.equal(await page.locator('#status').textContent(), 'ready');
      assert.ok(
        (await page.locator('#tables tbody tr', { hasText: 'counts' }).count()) === 1,
        'the table is listed',
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'web-dashboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`web-dashboard: events/s ${eps}; screenshot ${shot}`);
    } finally {
      await context.close();
    }
  });
});
