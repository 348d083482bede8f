/**
 * One scenario for the faustgen assignor on a real consumer group, run on memory:// (unit test) and
 * on the real broker (assignor-on-broker.ts, for each client): three workers join, then one leaves.
 * Checks what the table and web layers rely on: co-partitioning, standbys, the URL map, global tables.
 */
import assert from 'node:assert/strict';
import { FaustgenAssignor } from '../../runtime/assignor/assignor.js';
import type { ClusterAssignment } from '../../runtime/assignor/cluster-assignment.js';
import type {
  ConsumerOptions,
  TopicPartition,
  Transport,
  TransportConsumer,
} from '../../runtime/transport/types.js';

export interface ScenarioNames {
  groupId: string;
  /** Subscribed through the group, 4 partitions each. */
  source: string;
  changelog: string;
  /** Declared by every worker, never subscribed and need not exist (the table layer reads it). */
  declaredChangelog: string;
  /** A global table's changelog, declared only, 2 partitions. */
  globalChangelog: string;
}

export interface ScenarioOptions {
  transport: Transport;
  names: ScenarioNames;
  consumer: Omit<ConsumerOptions, 'groupId' | 'clientId' | 'partitionAssigners'>;
  /** Waits until the condition holds (polling), failing with the description after a deadline. */
  waitFor: (what: string, condition: () => boolean) => Promise<void>;
  /** Progress lines (the integration test prints which path a moved partition took). */
  report?: (line: string) => void;
}

export const PARTITIONS = 4;

interface Worker {
  name: string;
  url: string;
  assignor: FaustgenAssignor;
  consumer: TransportConsumer;
  assigned: TopicPartition[];
}

export async function runAssignorScenario(options: ScenarioOptions): Promise<void> {
  const { transport, names, waitFor } = options;
  const report = options.report ?? (() => {});
  const admin = transport.createAdmin();
  try {
    await admin.createTopics([
      { name: names.source, partitions: PARTITIONS, replicationFactor: 1 },
      { name: names.changelog, partitions: PARTITIONS, replicationFactor: 1, compacting: true },
    ]);
  } finally {
    await admin.close();
  }

  const workers: Worker[] = [];
  const startWorker = async (index: number): Promise<Worker> => {
    const url = `http://127.0.0.1:${7100 + index}`;
    const assignor = new FaustgenAssignor({ url, standbyReplicas: 1, retryDelayMs: 20 });
    assignor.declareTables([
      { topic: names.changelog, partitions: PARTITIONS, global: false },
      { topic: names.declaredChangelog, partitions: PARTITIONS, global: false },
      { topic: names.globalChangelog, partitions: 2, global: true },
    ]);
    const consumer = transport.createConsumer({
      ...options.consumer,
      groupId: names.groupId,
      clientId: `assignor-worker-${index}`,
      partitionAssigners: [assignor],
    });
    const worker: Worker = { name: `worker-${index}`, url, assignor, consumer, assigned: [] };
    consumer.subscribe([names.source, names.changelog]);
    await consumer.start({
      onBatch: () => {},
      onAssigned: (assignment) => {
        worker.assigned = assignment;
      },
    });
    workers.push(worker);
    return worker;
  };

  /** Every worker shows the same complete map of `count` members, matching its Kafka assignment. */
  const settled = (group: Worker[]): boolean => {
    const maps = group.map((worker) => worker.assignor.current());
    if (maps.some((map) => !map?.complete || map.members.length !== group.length)) return false;
    if (new Set(maps.map((map) => map!.assignmentId)).size !== 1) return false;
    return group.every((worker) => {
      const map = worker.assignor.current()!;
      const expected = [...map.actives(names.changelog), ...map.actives(names.source)].map(key).sort();
      return JSON.stringify(worker.assigned.map(key).sort()) === JSON.stringify(expected);
    });
  };

  try {
    for (let index = 0; index < 3; index++) await startWorker(index);
    await waitFor('three workers share one complete assignment', () => settled(workers));
    const maps = workers.map((worker) => worker.assignor.current()!);
    checkAssignment(maps, workers, names, 3);
    for (const map of maps) assert.deepEqual(map.toJSON().members, maps[0]!.toJSON().members);
    report(`3 workers: ${describeMap(maps[0]!, names)}`);

    const leaving = workers[1]!;
    const before = maps[0]!;
    const leftMember = leaving.assignor.current()!.memberId;
    await leaving.consumer.stop();
    workers.splice(1, 1);
    await waitFor('two workers share the new assignment', () => settled(workers));
    const after = workers.map((worker) => worker.assignor.current()!);
    checkAssignment(after, workers, names, 2);
    report(`2 workers: ${describeMap(after[0]!, names)}`);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const was = before.owner(names.changelog, partition)!;
      const now = after[0]!.owner(names.changelog, partition)!;
      if (was.memberId !== leftMember) {
        assert.equal(now.url, was.url, `partition ${partition} moved between workers that stayed`);
        continue;
      }
      const standby = before.standbyOwners(names.changelog, partition)[0]!;
      const path = standby.url === now.url ? 'standby promoted' : 'restore from changelog';
      report(`${names.changelog}[${partition}] moved from ${was.url} to ${now.url} (${path})`);
    }
  } finally {
    for (const worker of workers) await worker.consumer.stop();
  }
}

function checkAssignment(
  maps: ClusterAssignment[],
  workers: Worker[],
  names: ScenarioNames,
  count: number,
): void {
  const map = maps[0]!;
  const urls = new Set(workers.map((worker) => worker.url));
  assert.deepEqual(new Set(map.members.map((member) => member.url)), urls, 'every worker URL is visible');
  const perWorker = new Map<string, number>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const owner = map.owner(names.source, partition);
    assert.ok(owner, `${names.source}[${partition}] has an owner`);
    assert.equal(map.activeOwners(names.source, partition).length, 1);
    assert.equal(map.owner(names.changelog, partition)?.memberId, owner.memberId, 'changelog co-partitioned');
    assert.equal(
      map.owner(names.declaredChangelog, partition)?.memberId,
      owner.memberId,
      'declared co-partitioned',
    );
    for (const topic of [names.changelog, names.declaredChangelog]) {
      const standbys = map.standbyOwners(topic, partition);
      assert.equal(standbys.length, 1, `${topic}[${partition}] has one standby`);
      assert.notEqual(
        standbys[0]!.memberId,
        owner.memberId,
        `${topic}[${partition}] standby is not the active`,
      );
    }
    assert.equal(map.standbyOwners(names.source, partition).length, 0, 'source topics get no standbys');
    perWorker.set(owner.memberId, (perWorker.get(owner.memberId) ?? 0) + 1);
    // any worker can tell where a key's partition lives
    for (const other of maps) assert.equal(other.urlFor(names.changelog, partition), owner.url);
  }
  const shares = [...perWorker.values()];
  assert.equal(perWorker.size, Math.min(count, PARTITIONS), `every worker reads something: ${shares}`);
  assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `balanced: ${shares}`);
  for (const other of maps) {
    assert.deepEqual(other.actives(names.globalChangelog), [
      { topic: names.globalChangelog, partition: 0 },
      { topic: names.globalChangelog, partition: 1 },
    ]);
  }
  for (const member of map.members) {
    assert.deepEqual(
      member.standbys[names.changelog],
      member.standbys[names.declaredChangelog],
      'standbys co-partitioned',
    );
  }
}

function describeMap(map: ClusterAssignment, names: ScenarioNames): string {
  return map.members
    .map(
      (member) =>
        `${member.url} active ${JSON.stringify(member.actives[names.source] ?? [])} standby ` +
        JSON.stringify(member.standbys[names.changelog] ?? []),
    )
    .join('; ');
}

const key = ({ topic, partition }: TopicPartition): string => `${topic}[${partition}]`;
