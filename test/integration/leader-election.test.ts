/**
 * Leader election on the real broker, with workers as child processes
 * (test/integration/apps/leader-worker.ts): exactly one of two workers runs the onLeader timer
 * and crontab; when it gets SIGTERM, the other takes over in the next rebalance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leaderTopicName } from '../../runtime/index.js';
import { brokerUrl, isKafkaUrl, uniqueName, type WorkerProcess, workerFixture } from '../support/index.js';

const WORKER = new URL('./apps/leader-worker.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'leader election across processes needs a real Kafka broker';

interface Line {
  kind: string;
  text: string;
  pid: number;
  at: number;
}

/** The worker's stdout lines of `kind` (TICK, CRON, TASK, REBALANCE). */
function lines(worker: WorkerProcess, kind?: string): Line[] {
  const out: Line[] = [];
  for (const match of worker.output.matchAll(/^(TICK|CRON|TASK|REBALANCE)(.*) pid=(\d+) at=(\d+)$/gm)) {
    if (kind && match[1] !== kind) continue;
    out.push({ kind: match[1]!, text: match[2]!.trim(), pid: Number(match[3]), at: Number(match[4]) });
  }
  return out;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('leader election across worker processes on the real broker', { skip, timeout: 180_000 }, () => {
  const fixture = workerFixture();
  const start = (appId: string) =>
    fixture.spawn(WORKER, ['worker'], { APP_ID: appId, FAUSTGEN_BROKER: brokerUrl() });

  it('one of two workers runs the onLeader timer; on SIGTERM the other takes over in the next rebalance', async () => {
    const appId = uniqueName('leader');
    const a = start(appId);
    await a.waitFor(/TASK plain/);
    // Alone in the group, the first worker is the leader when it becomes ready.
    assert.deepEqual(
      lines(a, 'TASK').map((l) => l.text),
      ['onLeader leader=true', 'plain'],
    );
    const b = start(appId);
    await b.waitFor(/TASK plain/);
    await until(
      'both workers in the group',
      async () => (await fixture.admin.describeGroups([appId])).groups[0]?.members.length === 2,
      30_000,
    );
    const partitions = await fixture.admin.fetchTopicMetadata({ topics: [leaderTopicName(appId)] });
    assert.equal(partitions.topics[0]?.partitions.length, 1, 'the leader topic has one partition');

    // Once the group is stable, every tick comes from one worker: the one that says it leads.
    await until(
      'both workers agree on one leader',
      () => {
        const last = [a, b].map((w) => lines(w, 'REBALANCE').at(-1)?.text ?? '');
        const generations = last.map((t) => /generation=(\d+)/.exec(t)?.[1]);
        return (
          generations[0] === generations[1] && last.filter((t) => t.endsWith('leader=true')).length === 1
        );
      },
      30_000,
    );
    const settledAt = Date.now();
    const ticksSince = () => [a, b].flatMap((w) => lines(w, 'TICK')).filter((l) => l.at > settledAt);
    await until('8 ticks', () => ticksSince().length >= 8, 30_000);
    const crons = [a, b].flatMap((w) => lines(w, 'CRON')).filter((l) => l.at > settledAt);
    const runners = new Set([...ticksSince(), ...crons].map((l) => l.pid));
    assert.equal(
      runners.size,
      1,
      `exactly one worker ran the onLeader timer and crontab (pids: ${[...runners]})`,
    );
    const leader = [a, b].find((w) => w.pid === [...runners][0])!;
    const follower = leader === a ? b : a;
    assert.ok(crons.length >= 2, 'the every-second crontab ran on the leader');
    assert.ok(ticksSince().every((l) => l.text === 'leader=true'));
    // The onLeader task ran on a worker exactly when its first assignment (readiness) made it leader.
    for (const w of [a, b]) {
      const ledWhenReady = lines(w, 'REBALANCE')[0]!.text.endsWith('leader=true');
      const onLeaderTasks = lines(w, 'TASK').filter((l) => l.text.startsWith('onLeader'));
      assert.deepEqual(
        onLeaderTasks.map((l) => l.text),
        ledWhenReady ? ['onLeader leader=true'] : [],
      );
      assert.equal(lines(w, 'TASK').filter((l) => l.text === 'plain').length, 1, 'the plain task ran once');
    }

    const rebalancesBefore = lines(follower, 'REBALANCE').length;
    const killedAt = Date.now();
    leader.kill('SIGTERM');
    const rebalancesAfterStop = () => lines(follower, 'REBALANCE').slice(rebalancesBefore);
    await until(
      'the follower to lead',
      () => rebalancesAfterStop().some((l) => l.text.endsWith('leader=true')),
      30_000,
    );
    const rebalance = rebalancesAfterStop();
    const tookMs = rebalance.find((l) => l.text.endsWith('leader=true'))!.at - killedAt;
    console.log(`# leadership moved to the other worker ${tookMs} ms after SIGTERM`);
    assert.ok(
      rebalance[0]!.text.endsWith('leader=true'),
      'the first rebalance after the stop made it leader',
    );
    const { code } = await leader.exited(10_000);
    assert.equal(code, 0);

    const takeover = Date.now();
    await until(
      '3 ticks on the new leader',
      () => lines(follower, 'TICK').filter((l) => l.at > takeover).length >= 3,
      30_000,
    );
    follower.kill('SIGTERM');
    assert.equal((await follower.exited(10_000)).code, 0);
  });
});
