/**
 * `send <topic> - --key-field id` on the real broker: newline-delimited JSON piped to a child
 * process's stdin (the app's own main()), every good line delivered once with its key, the bad
 * line named, progress every 1,000 records, exit code 1 for the bad line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Admin, Consumer } from 'kafkajs';
import { brokerUrl, connectAdmin, createKafka, requireBroker } from '../support/broker.js';
import { uniqueName } from '../support/names.js';

const RECORDS = 2_500;
const WORKER = fileURLToPath(new URL('./apps/relay-worker.js', import.meta.url));

function runSend(args: string[], env: Record<string, string>, input: string) {
  const child = spawn(process.execPath, [WORKER, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  child.stdin.end(input);
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('faustgen send --stdin on the real broker', { timeout: 120_000 }, () => {
  const topic = uniqueName('send-lines');
  const groupId = uniqueName('send-lines-group');
  let admin: Admin | undefined;
  let consumer: Consumer | undefined;

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  });

  after(async () => {
    await consumer?.disconnect();
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('delivers every good line once, keyed by its id field, and names the bad one', async () => {
    const lines: string[] = [];
    for (let i = 0; i < RECORDS; i++) {
      lines.push(JSON.stringify({ id: `r${i}`, n: i }));
      if (i === 1200) lines.push('{"id": "broken", "n": }');
    }
    const { code, stderr } = await runSend(
      ['send', topic, '-', '--key-field', 'id'],
      {
        APP_ID: uniqueName('send-lines-app'),
        IN_TOPIC: topic,
        OUT_TOPIC: topic,
        FAUSTGEN_BROKER: brokerUrl(),
      },
      `${lines.join('\n')}\n`,
    );
    assert.equal(code, 1, stderr);
    const reported = stderr.split('\n').filter((line) => /^(line|sent|\d+ bad)/.test(line));
    assert.deepEqual(reported, [
      "line 1202, column 23: malformed JSON: Unexpected token '}'",
      'sent 1000 records to ' + topic,
      'sent 2000 records to ' + topic,
      `sent ${RECORDS} records to ${topic}`,
      '1 bad line skipped; the other lines were sent',
    ]);

    consumer = createKafka().consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<string, number>();
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        const value = JSON.parse(message.value!.toString()) as { id: string };
        assert.equal(value.id, key);
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (seen.size === RECORDS) resolveAll();
      },
    });
    await all;
    assert.equal(seen.size, RECORDS);
    assert.deepEqual(
      [...seen.values()].filter((count) => count !== 1),
      [],
      'no duplicates',
    );
  });
});
