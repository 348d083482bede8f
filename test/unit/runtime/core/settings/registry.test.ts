import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  findSetting,
  findSettingByFaustName,
  resolveSettings,
  SETTINGS,
  type SettingKind,
} from '../../../../../runtime/core/settings/index.js';
import { envVariableName, kebab, snakeToCamel } from '../../../../../runtime/core/settings/names.js';
import { SEED_FILE, SETTINGS_FIXTURE } from './repo.js';

/** `name ParamType` pairs from the SETTINGS line of Faust's App reference. */
function parseSeedSettings(text: string): [string, string][] {
  const line = text.split('\n').find((candidate) => candidate.startsWith('SETTINGS: ClassVar'));
  assert.ok(line, 'the seed has a SETTINGS line');
  return [...line.matchAll(/'([A-Za-z_]+)': <faust\.types\.settings\.params\.([A-Za-z_]+)/g)].map(
    (match) => [match[1]!, match[2]!] as [string, string],
  );
}

function readFixture(): [string, string][] {
  return readFileSync(SETTINGS_FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(' ') as [string, string]);
}

/** Which of our kinds may stand for each Faust param type. */
const KINDS_FOR_FAUST_TYPE: Readonly<Record<string, readonly SettingKind[]>> = {
  _Symbol: ['symbol', 'enum'],
  Int: ['int'],
  UnsignedInt: ['uint'],
  Param: ['autodiscover'],
  Seconds: ['seconds'],
  BrokerList: ['brokerList'],
  Str: ['string', 'enum'],
  Bool: ['bool'],
  Credentials: ['credentials'],
  URL: ['url', 'brokerList'],
  Path: ['path'],
  Codec: ['codec'],
  Dict: ['dict'],
  LogHandlers: ['logHandlers'],
  Enum: ['enum'],
  SSLContext: ['sslContext'],
  Timezone: ['timezone'],
  Port: ['port'],
  Severity: ['severity'],
};

/** Faust's defaults (shared/faust-reference.md section 1.10) that faustgen keeps. */
const FAUST_DEFAULTS: Readonly<Record<string, unknown>> = {
  autodiscover: false,
  debug: false,
  envPrefix: null,
  idFormat: '{id}-v{self.version}',
  origin: null,
  timezone: 'UTC',
  version: 1,
  blockingTimeout: null,
  brokerCredentials: null,
  sslContext: null,
  loggingConfig: null,
  loghandlers: [],
  processingGuarantee: 'at_least_once',
  cache: 'memory://',
  url: null,
  brokerApiVersion: 'auto',
  brokerCheckCrcs: true,
  brokerCommitEvery: 10_000,
  brokerCommitInterval: 2.8,
  brokerCommitLivelockSoftTimeout: 300,
  brokerHeartbeatInterval: 3,
  brokerMaxPollInterval: 1000,
  brokerMaxPollRecords: null,
  brokerRebalanceTimeout: 60,
  brokerRequestTimeout: 90,
  brokerSessionTimeout: 60,
  consumerApiVersion: 'auto',
  consumerMaxFetchSize: 1_048_576,
  consumerAutoOffsetReset: 'earliest',
  consumerGroupInstanceId: null,
  consumerMetadataMaxAgeMs: 300_000,
  consumerConnectionsMaxIdleMs: 540_000,
  keySerializer: 'raw',
  valueSerializer: 'json',
  producerAcks: -1,
  producerApiVersion: 'auto',
  producerCompressionType: null,
  producerLinger: 0,
  producerLingerMs: 0,
  producerMaxBatchSize: 16_384,
  producerMaxRequestSize: 1_000_000,
  producerPartitioner: null,
  producerRequestTimeout: 1200,
  producerThreaded: false,
  producerMetadataMaxAgeMs: 300_000,
  producerConnectionsMaxIdleMs: 540_000,
  recoveryConsistencyCheck: true,
  storeCheckExists: true,
  crashAppOnAerospikeException: true,
  aerospikeRetriesOnException: 60,
  aerospikeSleepSecondsBetweenRetriesOnException: 1,
  streamBufferMaxsize: 4096,
  streamProcessingTimeout: 300,
  streamPublishOnCommit: false,
  streamRecoveryDelay: 0,
  streamWaitEmpty: true,
  streamAckCancelledTasks: true,
  streamAckExceptions: true,
  replyCreateTopic: false,
  replyExpires: 86_400,
  replyToPrefix: 'f-reply-',
  tableCleanupInterval: 30,
  tableKeyIndexSize: 1000,
  tableStandbyReplicas: 1,
  topicAllowDeclare: true,
  topicDisableLeader: false,
  topicPartitions: 8,
  topicReplicationFactor: 1,
  webBind: '0.0.0.0',
  webCorsOptions: null,
  webEnabled: true,
  webInThread: false,
  webPort: 6066,
  webSslContext: null,
  webTransport: 'tcp://',
  workerRedirectStdouts: true,
  workerRedirectStdoutsLevel: 'WARN',
};

/** Where the faustgen contract sets another default than Faust; each must say so in the docs. */
const CONTRACT_DEFAULTS: Readonly<Record<string, unknown>> = {
  broker: ['kafka://127.0.0.1:9092'],
  store: 'lmdb://',
  brokerClientId: 'faustgen',
  web: 'fastify://',
  agentSupervisor: 'OneForOneSupervisor',
};

describe('settings registry', () => {
  const fixture = readFixture();

  it('has exactly one entry for every setting in the SETTINGS index of the seed', () => {
    assert.equal(fixture.length, 107);
    for (const [faustName] of fixture) {
      const matches = SETTINGS.filter((def) => def.faustName === faustName);
      assert.equal(matches.length, 1, `${faustName} has ${matches.length} entries`);
    }
    const names = SETTINGS.map((def) => def.name);
    assert.equal(new Set(names).size, names.length, 'camelCase names are unique');
  });

  it('keeps the checked-in list of Faust settings equal to the seed (when ../shared is present)', (t) => {
    if (!existsSync(SEED_FILE)) {
      t.skip(`${SEED_FILE} is not there`);
      return;
    }
    assert.deepEqual(parseSeedSettings(readFileSync(SEED_FILE, 'utf8')), fixture);
  });

  it("names each setting by Faust's name in camelCase, class symbols unchanged", () => {
    for (const def of SETTINGS) {
      if (def.faustName !== null) assert.equal(def.name, snakeToCamel(def.faustName), def.faustName);
      assert.equal(def.env, envVariableName(def.name), def.name);
      assert.equal(def.flag, kebab(def.name), def.name);
    }
    assert.equal(findSetting('HttpClient')?.env, 'FAUSTGEN_HTTP_CLIENT');
    assert.equal(findSetting('broker')?.env, 'FAUSTGEN_BROKER');
    assert.equal(findSettingByFaustName('broker_commit_every')?.name, 'brokerCommitEvery');
  });

  it("gives each setting a kind that fits Faust's param type", () => {
    for (const [faustName, faustType] of fixture) {
      const def = findSettingByFaustName(faustName)!;
      const allowed = KINDS_FOR_FAUST_TYPE[faustType];
      assert.ok(allowed, `no kinds listed for Faust type ${faustType}`);
      assert.ok(
        allowed.includes(def.type.kind),
        `${def.name}: ${def.type.kind} does not stand for ${faustType}`,
      );
    }
  });

  it('documents every setting, and says why one is not supported', () => {
    for (const def of SETTINGS) {
      assert.ok(def.doc.length > 10 && !def.doc.includes('\n'), `${def.name} has a one-line doc`);
      if (def.status !== 'supported')
        assert.ok(def.note, `${def.name} (${def.status}) has a note saying why`);
      assert.ok(def.default !== undefined || def.derive !== undefined, `${def.name} has a default`);
      if (def.derive !== undefined) assert.ok(def.defaultDoc, `${def.name} documents its derived default`);
    }
  });

  it('has valid static defaults', () => {
    for (const def of SETTINGS) {
      if (def.default === undefined) continue;
      assert.deepEqual(def.type.parse(def.default), def.default, `${def.name} default parses as itself`);
    }
  });

  it("resolves, with nothing set, to Faust's defaults", () => {
    const settings = resolveSettings('payments', {}, { env: {} });
    for (const [name, expected] of Object.entries(FAUST_DEFAULTS)) {
      assert.deepEqual(settings[name as keyof typeof settings], expected, name);
      assert.equal(findSetting(name)?.faustDefault, undefined, `${name} keeps Faust's default`);
    }
  });

  it('resolves defaults computed from the app id and other settings', () => {
    const settings = resolveSettings('payments', {}, { env: {} });
    assert.deepEqual(settings.brokerConsumer, settings.broker);
    assert.deepEqual(settings.brokerProducer, settings.broker);
    assert.equal(settings.datadir, 'payments-data');
    assert.equal(findSetting('tabledir')?.default, 'tables');
    assert.equal(settings.tabledir, join('payments-data', 'v1', 'tables'));
    assert.equal(settings.webHost, hostname());
    assert.equal(settings.canonicalUrl, `http://${hostname()}:6066`);
    assert.match(settings.replyTo, /^f-reply-[0-9a-f-]{36}$/);
    assert.equal(settings.webStatsEnabled, false);
    assert.equal(resolveSettings('payments', { debug: true }, { env: {} }).webStatsEnabled, true);
  });

  it('documents the defaults the faustgen contract changes', () => {
    const settings = resolveSettings('payments', {}, { env: {} });
    for (const [name, expected] of Object.entries(CONTRACT_DEFAULTS)) {
      assert.deepEqual(settings[name as keyof typeof settings], expected, name);
      assert.ok(findSetting(name)?.faustDefault, `${name} shows Faust's default beside its own`);
    }
  });

  it("includes faustgen's own settings, marked as additions", () => {
    const settings = resolveSettings('payments', {}, { env: {} });
    const additions = SETTINGS.filter((def) => def.faustName === null).map((def) => def.name);
    assert.deepEqual(additions.sort(), [
      'brokerClient',
      'consumerStallTimeout',
      'deadLetter',
      'logFormat',
      'logLevel',
      'processingTransactionTimeout',
      'shutdownTimeout',
    ]);
    assert.equal(settings.deadLetter, true);
    assert.equal(settings.brokerClient, 'kafkajs');
    assert.equal(settings.logLevel, 'info');
    assert.equal(settings.logFormat, 'auto');
    assert.equal(settings.shutdownTimeout, 10);
    assert.equal(findSetting('logLevel')?.env, 'FAUSTGEN_LOG_LEVEL');
  });
});
