/** `faustgen send` in a built project on memory://: a value, --repeat/--partition/--key, lines, and its exit codes. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { javaPartition } from '../../../../runtime/channels/partitioner.js';
import { builtProject, runCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());
const env = { FAUSTGEN_BROKER: 'memory://' };

interface Receipt {
  topic: string;
  partition: number;
  offset: number;
}

function receipts(stdout: string): Receipt[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Receipt);
}

describe('faustgen send', () => {
  it('sends a JSON value and prints its receipt, with a note that memory:// reaches no other process', () => {
    const run = runCli(project.dir, ['send', 'jobs', '{"id":"j1"}'], { env });
    assert.equal(run.status, 0, run.stderr);
    const [receipt] = receipts(run.stdout);
    assert.equal(receipt?.topic, 'jobs');
    assert.equal(receipt?.offset, 0);
    assert.match(run.stderr, /note: the broker is memory:\/\/, which lives in this process only/);
  });

  it('--repeat sends the value that many times to the --partition given; @agent names its topic', () => {
    const run = runCli(project.dir, ['send', '@work', '{"id":"j1"}', '--repeat', '3', '--partition', '1'], {
      env,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      receipts(run.stdout).map(({ topic, partition, offset }) => [topic, partition, offset]),
      [
        ['jobs', 1, 0],
        ['jobs', 1, 1],
        ['jobs', 1, 2],
      ],
    );
  });

  it("--key picks the partition by the key's murmur2 hash, as Kafka's default partitioner does", () => {
    // Untyped keys are sent as their UTF-8 bytes; one key for each of the topic's two partitions.
    const keys = ['a', 'b', 'c', 'd', 'e'];
    for (const partition of [0, 1]) {
      const key = keys.find((candidate) => javaPartition(Buffer.from(candidate), 2) === partition);
      assert.ok(key !== undefined);
      const run = runCli(project.dir, ['send', 'jobs', '{"id":"j"}', '--key', key], { env });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(receipts(run.stdout)[0]?.partition, partition, `key ${key}`);
    }
  });

  it('--file sends each good line, names the bad ones by line number and exits 1', () => {
    const file = join(project.scratch, 'jobs.ndjson');
    writeFileSync(file, '{"id":"a"}\n\n{"id":\n{"idx":1}\n{"id":"b"}\n');
    const run = runCli(project.dir, ['send', 'jobs', '--file', file], { env });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^line 3, column 7: malformed JSON/m);
    assert.match(run.stderr, /^line 4: cannot send to topic jobs: invalid Job .*\/id is required$/m);
    assert.match(run.stderr, /sent 2 records to jobs/);
    assert.match(run.stderr, /2 bad lines skipped; the other lines were sent/);
  });

  it('--stdin (or -) reads lines from stdin; --key-separator splits each line into key and value', () => {
    const run = runCli(project.dir, ['send', 'jobs', '-', '--key-separator', '|'], {
      env,
      input: 'k1|{"id":"a"}\nk2|{"id":"b"}\n',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /sent 2 records to jobs/);
    const keyed = runCli(project.dir, ['send', 'jobs', '--stdin', '--key-field', 'id'], {
      env,
      input: '{"id":"a"}\n',
    });
    assert.equal(keyed.status, 0, keyed.stderr);
  });

  it('exits 1 when the value does not fit the model, sending nothing', () => {
    const run = runCli(project.dir, ['send', 'jobs', '{"idx":"j1"}'], { env });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /send failed: cannot send to topic jobs: invalid Job \(namespace 'probe\.Job'\): \/id is required/,
    );
    assert.equal(run.stdout, '');
  });

  it('exits 2 on a usage error: no target, an unknown topic, malformed JSON, bad flags, an unreadable file', () => {
    const cases: [string[], RegExp][] = [
      [['send'], /^usage: send <topic\|@agent>/m],
      [['send', 'jobz', '1'], /no topic named jobz in app cli-probe \(nothing was sent or created\)/],
      [['send', 'jobs', '{"id":'], /the value is not valid JSON, nothing was sent: column 7/],
      [['send', 'jobs', '{"id":"a"}', '--repeat', '0'], /--repeat must be a positive integer, got 0/],
      [['send', 'jobs', '{"id":"a"}', '--key-field', 'id'], /--key-field and --key-separator are for --file/],
      [['send', 'jobs', '--file', join(project.scratch, 'missing.ndjson')], /cannot read .*missing\.ndjson/],
      [['send', 'jobs', '1', '--acks', 'all'], /acks \(flag --acks\): unknown setting/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(project.dir, args, { env });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
    }
  });
});
