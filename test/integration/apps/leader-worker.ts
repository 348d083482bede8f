/**
 * A worker for the leader-election tests: an onLeader timer and crontab, an onLeader task and a
 * plain task, each printing one line to stdout, and a line after every rebalance.
 * Env: APP_ID, TIMER_SECONDS (default 0.5).
 */
import { App } from '../../../runtime/index.js';

const appId = process.env.APP_ID;
if (!appId) throw new Error('APP_ID is not set');
const timerSeconds = Number(process.env.TIMER_SECONDS ?? 0.5);

const app = new App(appId, {
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webEnabled: false,
});

const say = (line: string) => console.log(`${line} pid=${process.pid} at=${Date.now()}`);

app.timer(timerSeconds, { onLeader: true, name: 'leader-tick' }, (got) => {
  say(`TICK leader=${got.isLeader()}`);
});
app.crontab('* * * * * *', { onLeader: true, name: 'every-second' }, () => say('CRON'));
app.task({ onLeader: true, name: 'leader-task' }, (got) => say(`TASK onLeader leader=${got.isLeader()}`));
app.task(() => say('TASK plain'));
app.onRebalanceComplete.connect(() =>
  say(`REBALANCE generation=${app.generation()} leader=${app.isLeader()}`),
);

process.exitCode = await app.main();
process.exit();
