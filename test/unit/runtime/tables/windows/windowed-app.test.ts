/**
 * Windowed tables through the real table core on memory:// (LMDB stores in a temp datadir): the
 * changelog bytes Faust writes, the changelog topic's config, and windows that close once across a
 * graceful restart.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { App } from '../../../../../runtime/index.js';
import type { WindowedKey } from '../../../../../runtime/tables/windows/index.js';
import { eventually } from '../../../../support/index.js';
import { removeTempDirs, tableApp, tempDir, topicRecords } from '../support.js';

after(removeTempDirs);

function records(broker: string, topic: string, partition = 0): string[] {
  return topicRecords(broker, topic, partition).map(
    (m) => `${m.key!.toString('latin1')} ${m.value?.toString('latin1') ?? 'null'}`,
  );
}

describe('windowed tables on the table core', () => {
  it("write Faust's changelog keys and declare a compact,delete changelog with retention", async () => {
    const app = tableApp();
    const broker = app.conf.broker[0]!;
    const byNumber = app
      .table('by_number', { keyType: 'number', valueType: 'number', default: () => 0 })
      .tumbling(60, { expires: 3600 });
    const byWord = app
      .table('by_word', { keyType: 'string', valueType: 'number', default: () => 0 })
      .hopping(10, 5);
    const events = app.topic('events', { keyType: 'string', valueType: 'json' });
    let done = 0;
    app.agent(events, { name: 'count' }, async (stream) => {
      for await (const [key, value] of stream.items()) {
        if (key === 'n') byNumber.update(value as number, (v) => v + 1);
        else byWord.update(key as string, (v) => v + (value as number));
        done++;
      }
    });
    await app.start();
    await app.whenReady();
    await events.send({ key: 'n', value: 621 as never, partition: 0, timestamp: 1603100075123 });
    await events.send({ key: 'abc', value: 2 as never, partition: 0, timestamp: 6000 });
    await eventually('both events applied', () => done === 2);
    await app.stop();
    assert.deepEqual(records(broker, `${app.appId}-by_number-changelog`), [
      '[621,[1603100040.0,1603100099.9]] 1',
    ]);
    assert.deepEqual(records(broker, `${app.appId}-by_word-changelog`), [
      '["abc",[0.0,9.9]] 2',
      '["abc",[5.0,14.9]] 2',
    ]);
    const spec = app
      .topics()
      .find((topic) => topic.name === `${app.appId}-by_number-changelog`)!
      .spec();
    assert.equal(spec.compacting, true);
    assert.equal(spec.deleting, true);
    assert.equal(spec.retentionMs, 3_660_000, 'window span 60 s + expires 3600 s');
  });

  it('a window closes once, also across a graceful restart (the watermark is kept with the data)', async () => {
    // With grace 5, window [0, 10) closes at event time 15. The keys alone prove only time 10 after
    // a restart (the latest window start), so only the recorded watermark (16) keeps it closed.
    const id = `windows-restart-${Date.now().toString(36)}`;
    const broker = `memory://${id}`;
    const datadir = tempDir();
    const closes: string[] = [];
    let applied = 0;
    const worker = (): { app: App; send: (key: string, seconds: number) => Promise<void> } => {
      const app = tableApp({ id, broker, settings: { datadir, topicPartitions: 1 } });
      const counts = app
        .table('counts', { keyType: 'string', valueType: 'number', default: () => 0 })
        .tumbling(10, {
          grace: 5,
          onWindowClose: ([key, [start]]: WindowedKey<string>, value: number) => {
            closes.push(`${key}@${start}=${value}`);
          },
        });
      const events = app.topic('events', { keyType: 'string', valueType: 'json' });
      app.agent(events, { name: 'count' }, async (stream) => {
        for await (const key of stream.items()) {
          counts.update(key[0] as string, (v) => v + 1);
          applied++;
        }
      });
      const send = async (key: string, seconds: number) => {
        const before = applied;
        await events.send({ key, value: 1 as never, partition: 0, timestamp: seconds * 1000 });
        await eventually(`event ${key}@${seconds}s applied`, () => applied === before + 1);
      };
      return { app, send };
    };

    const first = worker();
    try {
      await first.app.start();
      await first.app.whenReady();
      await first.send('a', 1);
      await first.send('b', 2);
      await first.send('a', 3);
      await first.send('c', 16);
      await eventually('window [0, 10) closed', () => closes.length === 2);
    } finally {
      await first.app.stop();
    }
    assert.deepEqual(closes.sort(), ['a@0=2', 'b@0=1']);

    const second = worker();
    try {
      await second.app.start();
      await second.app.whenReady();
      await second.send('d', 17);
      await second.send('e', 31);
      await eventually(
        'window [10, 20) closed',
        () => closes.includes('c@10=1') && closes.includes('d@10=1'),
      );
    } finally {
      await second.app.stop();
    }
    assert.deepEqual(closes.slice(2).sort(), ['c@10=1', 'd@10=1'], '[0, 10) did not close again');
  });

  it('a worker that replays an expired window from the changelog does not serve it', async () => {
    // tumbling 10 s, expires 20: window [0, 10) expires at event time 30. The first worker drops
    // 'a' locally at 40; its changelog record stays (retention deletes it), so a worker the
    // partition moves to replays it, and must answer as the first one does.
    const id = `windows-expiry-${Date.now().toString(36)}`;
    const broker = `memory://${id}`;
    const worker = () => {
      const app = tableApp({ id, broker, settings: { datadir: tempDir(), topicPartitions: 1 } });
      const counts = app
        .table('counts', { keyType: 'string', valueType: 'number', default: () => 0 })
        .tumbling(10, { expires: 20 });
      const events = app.topic('events', { keyType: 'string', valueType: 'json' });
      let applied = 0;
      app.agent(events, { name: 'count' }, async (stream) => {
        for await (const [key] of stream.items()) {
          counts.update(key as string, (v) => v + 1);
          applied++;
        }
      });
      return { app, counts, events, applied: () => applied };
    };
    const first = worker();
    try {
      await first.app.start();
      await first.app.whenReady();
      await first.events.send({ key: 'a', value: 1 as never, partition: 0, timestamp: 1_000 });
      await first.events.send({ key: 'b', value: 1 as never, partition: 0, timestamp: 40_000 });
      await eventually('both events applied', () => first.applied() === 2);
      assert.equal(first.counts.get('a').at([0, 9.9]), 0, 'expired on the first worker');
    } finally {
      await first.app.stop();
    }
    const second = worker();
    try {
      await second.app.start();
      await second.app.whenReady();
      assert.equal(second.counts.get('b').at([40, 49.9]), 1, 'the replayed state is there');
      assert.equal(second.counts.get('a').at([0, 9.9]), 0, 'and the expired window is not served');
      assert.deepEqual(second.counts.keys(), ['b']);
    } finally {
      await second.app.stop();
    }
  });

  it('the cleanup tick closes 1,000 quiet keys once each, across a graceful restart, and tombstones them', async () => {
    // tumbling 10 s, grace 5, expires 20: [0, 10) closes at 15 and expires at 30, [10, 20) closes
    // at 25. Only heartbeats (which write nothing) move event time after the keys went quiet.
    const keys = 1_000;
    const id = `windows-quiet-${Date.now().toString(36)}`;
    const broker = `memory://${id}`;
    const datadir = tempDir();
    const closes = new Map<string, number>();
    const worker = () => {
      const app = tableApp({
        id,
        broker,
        settings: { datadir, topicPartitions: 2, tableCleanupInterval: 0.02 },
      });
      const counts = app
        .table('counts', { keyType: 'string', valueType: 'number', default: () => 0 })
        .tumbling(10, {
          grace: 5,
          expires: 20,
          onWindowClose: ([key, [start]]: WindowedKey<string>, value: number) => {
            const id = `${key}@${start}=${value}`;
            closes.set(id, (closes.get(id) ?? 0) + 1);
          },
        });
      const events = app.topic('events', { keyType: 'string', valueType: 'json' });
      let applied = 0;
      app.agent(events, { name: 'count' }, async (stream) => {
        for await (const [key, kind] of stream.items()) {
          if (kind !== 'heartbeat') counts.update(key as string, (v) => v + 1);
          applied++;
        }
      });
      const send = async (sends: { key: string; kind: string; partition?: number; seconds: number }[]) => {
        const before = applied;
        for (const { key, kind, partition, seconds } of sends) {
          await events.send({ key, value: kind as never, partition, timestamp: seconds * 1000 });
        }
        await eventually(`${sends.length} events applied`, () => applied === before + sends.length);
      };
      const heartbeat = (seconds: number) =>
        send([0, 1].map((partition) => ({ key: 'clock', kind: 'heartbeat', partition, seconds })));
      return { app, counts, send, heartbeat };
    };
    const closedIn = (start: number) => [...closes.keys()].filter((key) => key.includes(`@${start}=`));
    const users = Array.from({ length: keys }, (_, i) => `user-${i}`);

    const first = worker();
    try {
      await first.app.start();
      await first.app.whenReady();
      await first.send(users.map((key, i) => ({ key, kind: 'click', seconds: 1 + (i % 9) })));
      await first.send(users.map((key) => ({ key, kind: 'click', seconds: 12 })));
      await first.heartbeat(16);
      await eventually('[0, 10) closed for every key', () => closedIn(0).length === keys);
    } finally {
      await first.app.stop();
    }
    assert.deepEqual(closedIn(10), [], '[10, 20) is still open (closes at 25)');

    const second = worker();
    try {
      await second.app.start();
      await second.app.whenReady();
      await second.heartbeat(31);
      await eventually('[10, 20) closed for every key', () => closedIn(10).length === keys);
      assert.deepEqual(second.counts.keys().length, keys, 'only [10, 20) is left');
    } finally {
      await second.app.stop();
    }
    assert.equal(closes.size, 2 * keys);
    assert.deepEqual(
      [...closes.values()].filter((n) => n !== 1),
      [],
      'every window of every key closed exactly once',
    );
    assert.equal(closes.get('user-7@0=1'), 1);
    assert.equal(closes.get('user-7@10=1'), 1);
    const tombstoned = new Set<string>();
    for (const partition of [0, 1]) {
      for (const record of topicRecords(broker, `${id}-counts-changelog`, partition)) {
        if (record.value === null) tombstoned.add(record.key!.toString());
      }
    }
    assert.equal(tombstoned.size, keys, 'each expired [0, 10) key tombstoned once expired');
    assert.ok(tombstoned.has('["user-7",[0.0,9.9]]'));
  });
});
