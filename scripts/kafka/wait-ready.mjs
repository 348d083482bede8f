// Waits until a Kafka broker serves admin requests: node wait-ready.mjs <url> <timeoutMs> [pid]
// Exit 0 once the broker serves: describeCluster() answers, every partition of every topic has a
// leader (a broker restarted with many topics elects them a while after it answers), and the group
// coordinator answers describeGroups (it loads __consumer_offsets after the start). 1 on timeout
// or when <pid> exits first.
import { Kafka, logLevel } from 'kafkajs';

const [url, timeoutArg, pidArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node wait-ready.mjs <kafka://host:port> <timeoutMs> [pid]');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg ?? 60000);
const pid = pidArg ? Number(pidArg) : undefined;
const brokers = url
  .split(',')
  .map((u) => u.trim().replace(/^kafka:\/\//, ''))
  .filter(Boolean);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function processAlive(id) {
  try {
    process.kill(id, 0);
    return true;
  } catch {
    return false;
  }
}

async function describeOnce() {
  const kafka = new Kafka({
    clientId: 'faustgen-wait-ready',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) return 'describeCluster returned no brokers';
    const { topics } = await admin.fetchTopicMetadata();
    for (const { name, partitions } of topics) {
      const leaderless = partitions.filter((p) => p.leader < 0 || p.partitionErrorCode);
      if (leaderless.length > 0) return `${name}: ${leaderless.length} partitions without a leader`;
    }
    await admin.describeGroups(['faustgen-wait-ready']);
    return undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

const deadline = Date.now() + timeoutMs;
let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (pid !== undefined && !processAlive(pid)) {
    console.error(`wait-ready: the broker process ${pid} exited before ${url} became ready`);
    process.exit(1);
  }
  try {
    const notReady = await describeOnce();
    if (notReady === undefined) process.exit(0);
    lastError = notReady;
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  await sleep(250);
}
console.error(`wait-ready: ${url} did not serve within ${timeoutMs} ms (last error: ${lastError})`);
process.exit(1);
