/**
 * A topic shared with a Python Faust app, on the real broker: the model is the one `faustgen
 * generate` writes for a topology whose model declares Faust's namespace under `aliases`. Records
 * as Python Faust writes them (raw string keys, JSON values with `"__faust": {"ns":
 * "payments_py.Payment"}`) and as faustgen writes them (ns `Payment`) all decode; a record of an
 * alias that fails the schema, and one of a namespace nobody declared, are dead-lettered with
 * their reason.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Kafka, Producer } from 'kafkajs';
import ts from 'typescript';
import { renderTopology } from '../../generator/emit/generate.js';
import { packageRoot } from '../../generator/emit/templates.js';
import { parseTopology } from '../../generator/topology/index.js';
import { App, DEAD_LETTER_HEADERS, deadLetterTopicName, type Event } from '../../runtime/index.js';
import type { Model } from '../../runtime/models/index.js';
import {
  brokerUrl,
  createKafka,
  eventually,
  isKafkaUrl,
  requireBroker,
  uniqueName,
} from '../support/index.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the Faust interop test needs a real Kafka broker';
const TIMEOUT_MS = 60_000;

interface Payment {
  account: string;
  amount: number;
}

const TOPOLOGY = {
  app: { id: 'interop' },
  models: {
    Payment: {
      aliases: ['payments_py.Payment'],
      schema: {
        type: 'object',
        properties: { account: { type: 'string' }, amount: { type: 'number' } },
        required: ['account', 'amount'],
      },
    },
  },
  topics: { payments: { keyType: 'string', valueType: 'Payment', partitions: 2 } },
};

/** The Payment model exactly as the generator writes it for TOPOLOGY, loaded against this runtime. */
async function generatedPayment(dir: string): Promise<Model<Payment>> {
  const loaded = parseTopology(JSON.stringify(TOPOLOGY), 'topology.json');
  assert.deepEqual(
    loaded.errors.map((error) => `${error.code} ${error.pointer}: ${error.message}`),
    [],
    'the topology is valid',
  );
  assert.ok(loaded.topology);
  // As generate renders it (its imports are computed from what the file uses).
  const rendered = await renderTopology(loaded.topology);
  const source = rendered.files.find((file) => file.path.endsWith('models.ts'))!.content;
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(packageRoot(), join(dir, 'node_modules', 'faustgen'), 'dir');
  const file = join(dir, 'models.mjs');
  writeFileSync(file, js);
  const models = (await import(pathToFileURL(file).href)) as { Payment: Model<Payment> };
  return models.Payment;
}

/**
 * A value as Python Faust's json serializer writes a `payments_py.Payment` record: compact JSON,
 * fields in declared order, a float amount, then the metadata.
 */
function faustValue(account: string, amount: number | string): Buffer {
  const shown = typeof amount === 'number' ? amount.toFixed(1) : JSON.stringify(amount);
  return Buffer.from(
    `{"account":${JSON.stringify(account)},"amount":${shown},"__faust":{"ns":"payments_py.Payment"}}`,
  );
}

const fast = {
  broker: brokerUrl(),
  topicPartitions: 2,
  brokerCommitInterval: 0.2,
  brokerSessionTimeout: 30,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 5,
  logLevel: 'error' as const,
  webEnabled: false,
};

describe('a topic shared with a Python Faust app', { skip, timeout: TIMEOUT_MS * 3 }, () => {
  let kafka: Kafka;
  let python: Producer;
  let dir: string;
  const apps: App[] = [];

  before(async () => {
    await requireBroker();
    kafka = createKafka();
    python = kafka.producer();
    await python.connect();
    dir = mkdtempSync(join(tmpdir(), 'faustgen-interop-'));
  });

  after(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
    await python?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('decodes Faust records of an alias namespace and its own; dead-letters what does not fit, with the reason', async () => {
    const Payment = await generatedPayment(dir);
    const appId = uniqueName('interop');
    const app = new App(appId, fast);
    apps.push(app);
    const payments = app.topic(`${appId}-payments`, { keyType: 'string', valueType: Payment });
    const processed = new Map<string, Payment>();
    app.agent(payments, { name: 'payments' }, async (stream) => {
      for await (const event of stream.events()) processed.set(event.key as string, event.value as Payment);
    });
    const readerApp = new App(uniqueName('interop-dlq'), fast);
    apps.push(readerApp);
    const dlq = readerApp.topic(deadLetterTopicName(appId, payments.name), {
      keySerializer: 'raw',
      valueType: 'bytes',
      valueSerializer: 'raw',
    });
    const dead = new Map<string, Event<unknown, unknown>>();
    readerApp.agent(dlq, { name: 'dead' }, async (stream) => {
      for await (const event of stream.events())
        dead.set(event.message.key?.toString() ?? '', event as Event<unknown, unknown>);
    });
    await app.start();
    await readerApp.start();

    const expected = new Map<string, Payment>();
    const fromPython: { key: string; value: Buffer }[] = [];
    for (let i = 0; i < 20; i++) {
      const account = `py-${i}`;
      fromPython.push({ key: account, value: faustValue(account, i * 2) });
      expected.set(account, { account, amount: i * 2 });
    }
    fromPython.push({ key: 'py-bad-amount', value: faustValue('py-bad-amount', 'lots') });
    fromPython.push({
      key: 'py-other-type',
      value: Buffer.from('{"account":"x","amount":1.0,"__faust":{"ns":"billing.Invoice"}}'),
    });
    await python.send({ topic: payments.name, messages: fromPython });
    for (let i = 0; i < 20; i++) {
      const account = `ts-${i}`;
      await payments.send({ key: account, value: { account, amount: i + 0.5 } });
      expected.set(account, { account, amount: i + 0.5 });
    }

    await eventually(
      'every good record processed',
      () => [...expected.keys()].every((key) => processed.has(key)),
      TIMEOUT_MS,
      () => `(${processed.size}/${expected.size})`,
    );
    await eventually(
      'two dead letters',
      () => dead.size >= 2,
      TIMEOUT_MS,
      () => `(${dead.size}/2)`,
    );
    assert.deepEqual(new Map([...processed].sort()), new Map([...expected].sort()));
    assert.deepEqual([...dead.keys()].sort(), ['py-bad-amount', 'py-other-type'], 'only those two');
    const reason = (key: string) => dead.get(key)?.headers[DEAD_LETTER_HEADERS.reason]?.toString() ?? '';
    assert.match(reason('py-bad-amount'), /^schema: \/amount must be number/);
    assert.match(
      reason('py-other-type'),
      /^namespace: \/__faust\/ns is 'billing\.Invoice', but model 'Payment' accepts 'Payment', 'payments_py\.Payment'.*"aliases"/,
    );
    assert.equal(app.crashError, undefined);
  });
});
