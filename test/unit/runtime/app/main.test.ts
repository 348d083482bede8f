import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../../../runtime/app/main.js';
import { model } from '../../../../runtime/index.js';
import { captureLogs } from '../../../../runtime/core/logging/index.js';
import { getMemoryBroker } from '../../../../runtime/transport/memory/index.js';
import { memoryApp } from '../../../support/memory-app.js';

async function captureStdout(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.join(' '));
  };
  try {
    const code = await fn();
    return { code, out: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

async function captureOutput(
  fn: () => Promise<number>,
): Promise<{ code: number; out: string; err: string[] }> {
  const err: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    err.push(args.join(' '));
  };
  try {
    const { code, out } = await captureStdout(fn);
    return { code, out, err };
  } finally {
    console.error = original;
  }
}

/** Without the memory:// note every send on a memory app prints. */
function withoutNote(err: string[]): string[] {
  return err.filter((line) => !line.startsWith('note: the broker is memory://'));
}

function ndjsonFile(lines: string[]): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-send-'));
  const file = join(dir, 'records.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('parseCommandLine', () => {
  it('splits the command, its positionals and flags (with values)', () => {
    assert.deepEqual(parseCommandLine(['send', 'orders', '{"a":1}', '--key', 'k1', '--repeat=3']), {
      command: 'send',
      positionals: ['orders', '{"a":1}'],
      flags: { key: 'k1', repeat: '3' },
    });
    assert.deepEqual(parseCommandLine(['--loglevel', 'debug', 'worker', '--help']), {
      command: 'worker',
      positionals: [],
      flags: { loglevel: 'debug', help: true },
    });
  });
});

describe('app.main()', () => {
  it('send produces records (JSON values parsed), with --key, --partition and --repeat', async () => {
    const app = memoryApp('main-send');
    const orders = app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { code, out } = await captureStdout(() =>
      app.main(['send', 'orders', '{"amount":5}', '--key', 'acc-1', '--partition', '1', '--repeat', '3']),
    );
    assert.equal(code, 0);
    const results = out
      .split('\n')
      .map((line) => JSON.parse(line) as { topic: string; partition: number; offset: number });
    assert.deepEqual(
      results.map((r) => [r.topic, r.partition, r.offset]),
      [
        ['orders', 1, 0],
        ['orders', 1, 1],
        ['orders', 1, 2],
      ],
    );
    assert.equal(orders.name, 'orders');
  });

  it('send --file: newline-delimited JSON keyed by a separator; exit 1 naming the bad lines, the good ones sent', async () => {
    const app = memoryApp('main-send-file');
    app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { file, cleanup } = ndjsonFile(['a|{"n":1}', '', 'b|{"n":2', 'c|{"n":3}', 'no separator']);
    try {
      const { code, err } = await captureOutput(() =>
        app.main(['send', 'orders', '--file', file, '--key-separator', '|']),
      );
      assert.equal(code, 1);
      assert.deepEqual(withoutNote(err), [
        "line 3, column 9: malformed JSON: Expected ',' or '}' after property value",
        'line 5: no key separator "|"',
        'sent 2 records to orders',
        '2 bad lines skipped; the other lines were sent',
      ]);
      const broker = getMemoryBroker(app.conf.broker[0]!);
      const sent = [0, 1].flatMap((p) => broker.readMessages('orders', p));
      assert.deepEqual(sent.map((m) => `${m.key} ${m.value}`).sort(), ['a {"n":1}', 'c {"n":3}']);
    } finally {
      cleanup();
    }
  });

  it('send --file with every line good exits 0; wrong flag combinations exit 2', async () => {
    const app = memoryApp('main-send-flags');
    app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { file, cleanup } = ndjsonFile(['{"id":"x","n":1}', '{"id":"y","n":2}']);
    try {
      const ok = await captureOutput(() => app.main(['send', 'orders', '--file', file, '--key-field', 'id']));
      assert.deepEqual([ok.code, withoutNote(ok.err)], [0, ['sent 2 records to orders']]);
      const refused = [
        ['send', 'orders', '{"n":1}', '--file', file],
        ['send', 'orders', '--file', file, '--repeat', '2'],
        ['send', 'orders', '--file', file, '--key-field', 'id', '--key', 'k'],
        ['send', 'orders', '{"n":1}', '--key-field', 'id'],
        ['send', 'orders'],
      ];
      for (const argv of refused) {
        const { code } = await captureOutput(() => app.main(argv));
        assert.equal(code, 2, argv.join(' '));
      }
      const missing = await captureOutput(() => app.main(['send', 'orders', '--file', `${file}.nope`]));
      assert.equal(missing.code, 2);
      assert.match(withoutNote(missing.err)[0]!, /^cannot read .*records\.ndjson\.nope: ENOENT/);
    } finally {
      cleanup();
    }
  });

  it('send refuses a topic the app does not declare, and creates nothing', async () => {
    const app = memoryApp('main-send-unknown');
    app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { code, err } = await captureOutput(() => app.main(['send', 'ordres', '{"n":1}']));
    assert.equal(code, 2);
    assert.match(err.join('\n'), /no topic named ordres .*send to one of: orders/);
    assert.deepEqual(
      app.topics().map((t) => t.name),
      ['orders'],
    );
  });

  it('send of malformed JSON is a parse error with its column, not a schema error', async () => {
    const app = memoryApp('main-send-malformed');
    app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { code, err } = await captureOutput(() => app.main(['send', 'orders', '{"n": 1,}']));
    assert.equal(code, 2);
    assert.match(err.join('\n'), /not valid JSON, nothing was sent: column 9: malformed JSON/);
  });

  it('send on memory:// says that no worker in another process sees the record', async () => {
    const app = memoryApp('main-send-memory');
    app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 2 });
    const { code, err } = await captureOutput(() => app.main(['send', 'orders', '{"n":1}']));
    assert.equal(code, 0);
    assert.match(err.join('\n'), /memory:\/\/.* no worker in another process will see/);
  });

  it('lists agents, topics and models', async () => {
    const app = memoryApp('main-list');
    const Payment = model<{ amount: number }>(
      'Payment',
      { type: 'object', properties: { amount: { type: 'number' } } },
      {
        namespace: 'payments.Payment',
      },
    );
    const payments = app.topic('payments', { keyType: 'string', valueType: Payment, partitions: 3 });
    app.agent(payments, { name: 'score', concurrency: 2 }, async () => {});
    const agents = await captureStdout(() => app.main(['agents']));
    assert.match(agents.out, /score\s+payments\s+2\s+false/);
    const topics = await captureStdout(() => app.main(['topics']));
    assert.match(topics.out, /payments\s+3\s+false/);
    const models = await captureStdout(() => app.main(['models']));
    assert.match(models.out, /Payment\s+payments\.Payment\s+payments/);
  });

  it('lists agents, topics and models as JSON with --json', async () => {
    const app = memoryApp('main-list-json');
    const payments = app.topic('payments', { keyType: 'string', valueType: 'json', partitions: 3 });
    app.agent(payments, { name: 'score', concurrency: 2 }, async () => {});
    const agents = await captureStdout(() => app.main(['agents', '--json']));
    assert.deepEqual(JSON.parse(agents.out), [
      { agent: 'score', source: 'payments', concurrency: '2', isolated: 'false' },
    ]);
    const topics = await captureStdout(() => app.main(['topics', '--json']));
    assert.equal((JSON.parse(topics.out) as { topic: string }[])[0]!.topic, 'payments');
    const models = await captureStdout(() => app.main(['models', '--json']));
    assert.deepEqual(JSON.parse(models.out), []);
  });

  it("<command> --help lists the command's arguments and flags, for built-in and custom commands", async () => {
    const app = memoryApp('main-command-help');
    app.command(
      'hello',
      { description: 'says hello', options: { loud: { type: 'boolean', description: 'shout' } } },
      async () => 0,
    );
    const send = await captureStdout(() => app.main(['send', '--help']));
    assert.equal(send.code, 0);
    assert.match(send.out, /usage: <main> send <target> \[value\] \[flags\]/);
    for (const flag of ['--key X', '--key-field X', '--partition N', '--stdin', '--broker X']) {
      assert.ok(send.out.includes(`  ${flag} `), `${flag} in:\n${send.out}`);
    }
    const agents = await captureStdout(() => app.main(['agents', '--help']));
    assert.match(agents.out, /--json\s+Print the listing as a JSON array/);
    const hello = await captureStdout(() => app.main(['hello', '--help']));
    assert.match(hello.out, /says hello[\s\S]*--loud\s+shout/);
  });

  it('runs custom commands and rejects unknown ones and bad settings', async () => {
    const app = memoryApp('main-custom');
    let ran: string[] = [];
    app.command('hello', { description: 'says hello' }, async (_app, { positionals }) => {
      ran = positionals;
      return 0;
    });
    assert.equal((await captureStdout(() => app.main(['hello', 'world']))).code, 0);
    assert.deepEqual(ran, ['world']);
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      errors.push(args.join(' '));
    };
    try {
      assert.equal(await app.main(['nope']), 2);
      assert.equal(await app.main(['agents', '--broker-comit-every', '5']), 2);
    } finally {
      console.error = original;
    }
    assert.match(errors.join('\n'), /unknown command nope/);
    assert.match(errors.join('\n'), /brokerCommitEvery/, 'a misspelled setting flag suggests the right name');
  });
});

describe('blockingTimeout', () => {
  it('warns when the event loop was blocked longer than blockingTimeout, naming the agent and event', async () => {
    const logs = captureLogs();
    const app = memoryApp('blocking', { blockingTimeout: 0.1 });
    (app as unknown as { log: unknown }).log = logs.logger;
    const topic = app.topic('slow', { keyType: 'string', valueType: 'json', partitions: 1 });
    let done = false;
    app.agent(topic, { name: 'hog' }, async (stream) => {
      for await (const _ of stream) {
        await new Promise((r) => setTimeout(r, 300)); // let the detector tick while the event is in flight
        const until = Date.now() + 400;
        while (Date.now() < until) {
          // a synchronous hog
        }
        await new Promise((r) => setTimeout(r, 300));
        done = true;
      }
    });
    await app.start();
    await topic.send({ key: 'k', value: 1 });
    while (!done) await new Promise((r) => setTimeout(r, 20));
    await app.stop();
    const warnings = logs.messages('warn').join('\n');
    assert.match(warnings, /event loop was blocked for \d+\.\d+s/);
    assert.match(warnings, /hog#0 slow\[0\]@0/);
  });
});

describe('App settings', () => {
  it('configFromObject takes Faust snake_case names; flags win over it; env over code', () => {
    const app = memoryApp('conf', { topicPartitions: 4 });
    app.configFromObject({ broker_commit_every: 77, topic_partitions: 6 });
    assert.equal(app.conf.brokerCommitEvery, 77);
    assert.equal(app.conf.topicPartitions, 6);
    app.configure({ 'broker-commit-every': '5' });
    assert.equal(app.conf.brokerCommitEvery, 5, 'a flag wins');
    assert.equal(app.conf.topicPartitions, 6, 'configFromObject survives configure()');
  });
});

describe('boot strategy', () => {
  it('enableKafkaConsumer: false starts agents without consuming; the worker is still ready', async () => {
    const app = memoryApp('boot-consumer');
    app.bootStrategy = { enableKafkaConsumer: false };
    const topic = app.topic('in', { keyType: 'string', valueType: 'json', partitions: 1 });
    const seen: unknown[] = [];
    app.agent(topic, { name: 'reader' }, async (stream) => {
      for await (const v of stream) seen.push(v);
    });
    await app.start();
    await app.whenReady();
    await topic.send({ key: 'k', value: 1 });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen, [], 'no consumer: nothing reaches the agent');
    const offsets = await app.engine.transportAdmin.topicOffsets('in');
    assert.equal(offsets[0]?.high, 1, 'the producer still works');
    await app.stop();
  });

  it('enableKafkaProducer: false makes sends fail with a clear error, and the worker keeps running', async () => {
    const app = memoryApp('boot-producer');
    app.bootStrategy = { enableKafkaProducer: false, enableSensors: false };
    const topic = app.topic('out', { keyType: 'string', valueType: 'json', partitions: 1 });
    await app.start('producer');
    await assert.rejects(
      () => topic.send({ key: 'k', value: 1 }),
      /Kafka producer is off in this app's boot strategy/,
    );
    assert.equal(app.crashError, undefined);
    assert.deepEqual(app.bootSwitches(), {
      kafkaProducer: false,
      kafkaConsumer: true,
      web: false,
      sensors: false,
    });
    await app.stop();
  });
});

describe('a script that only sends', () => {
  it('is told to call app.startClient() when it sends before starting, and sends after it', async () => {
    const app = memoryApp('script-send');
    const topic = app.topic('out', { keyType: 'string', valueType: 'json', partitions: 1 });
    await assert.rejects(
      async () => topic.send({ key: 'k', value: 1 }),
      /is not started: a script that only sends calls `await app\.startClient\(\)` \(or app\.start\('producer'\)\) first/,
    );
    await app.startClient();
    const receipt = await topic.send({ key: 'k', value: 1 });
    await receipt.delivered;
    const offsets = await app.engine.transportAdmin.topicOffsets('out');
    assert.equal(offsets[0]?.high, 1);
    await app.stop();
  });
});
