import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ResolveOptions,
  resolveSettings,
  type SettingProblem,
  SettingsError,
  type SettingsInput,
} from '../../../../../runtime/core/settings/index.js';

/** Resolves with an empty environment unless one is given, so the machine's env cannot leak in. */
function resolve(input: SettingsInput = {}, options: ResolveOptions = {}, id = 'payments') {
  return resolveSettings(id, input, { env: {}, ...options });
}

function problemsOf(run: () => unknown): readonly SettingProblem[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected a SettingsError');
}

describe('resolveSettings precedence', () => {
  it('takes a flag over an env variable over code over the default', () => {
    const env = { FAUSTGEN_TOPIC_PARTITIONS: '6' };
    assert.equal(resolve({}).topicPartitions, 8);
    assert.equal(resolve({ topicPartitions: 4 }).topicPartitions, 4);
    assert.equal(resolve({ topicPartitions: 4 }, { env }).topicPartitions, 6);
    assert.equal(
      resolve({ topicPartitions: 4 }, { env, flags: { topicPartitions: '2' } }).topicPartitions,
      2,
    );
  });

  it('says where each value came from', () => {
    const settings = resolve(
      { topicPartitions: 4, webPort: 7000 },
      { env: { FAUSTGEN_WEB_PORT: '7001', FAUSTGEN_BROKER: 'kafka://b:9092' }, flags: { 'web-port': 7002 } },
    );
    assert.deepEqual(settings.sources.topicPartitions, { kind: 'code' });
    assert.deepEqual(settings.sources.broker, { kind: 'env', variable: 'FAUSTGEN_BROKER' });
    assert.deepEqual(settings.sources.webPort, { kind: 'flag', flag: 'web-port' });
    assert.deepEqual(settings.sources.streamBufferMaxsize, { kind: 'default' });
    assert.equal(settings.webPort, 7002);
  });

  it('reads env values per type, and treats empty variables as unset', () => {
    const settings = resolve(
      {},
      {
        env: {
          FAUSTGEN_BROKER: 'kafka://a:9092;b:9092',
          FAUSTGEN_BROKER_COMMIT_INTERVAL: '500ms',
          FAUSTGEN_STREAM_WAIT_EMPTY: 'no',
          FAUSTGEN_PRODUCER_ACKS: 'all',
          FAUSTGEN_WEB_CORS_OPTIONS: '{"http://x": {}}',
          FAUSTGEN_TOPIC_PARTITIONS: '',
        },
      },
    );
    assert.deepEqual(settings.broker, ['kafka://a:9092', 'kafka://b:9092']);
    assert.equal(settings.brokerCommitInterval, 0.5);
    assert.equal(settings.streamWaitEmpty, false);
    assert.equal(settings.producerAcks, -1);
    assert.deepEqual(settings.webCorsOptions, { 'http://x': {} });
    assert.equal(settings.topicPartitions, 8);
  });

  it('treats null and undefined in code as not set', () => {
    const settings = resolve({ topicPartitions: null, webPort: undefined });
    assert.equal(settings.topicPartitions, 8);
    assert.equal(settings.webPort, 6066);
  });
});

describe('resolveSettings env prefix', () => {
  it('reads variables under the envPrefix given in code instead of FAUSTGEN_', () => {
    const env = { MYAPP_TOPIC_PARTITIONS: '3', FAUSTGEN_TOPIC_PARTITIONS: '5' };
    assert.equal(resolve({ envPrefix: 'MYAPP' }, { env }).topicPartitions, 3);
    assert.equal(resolve({ envPrefix: 'MYAPP_' }, { env }).topicPartitions, 3);
  });

  it('takes the prefix from FAUSTGEN_ENV_PREFIX over code', () => {
    const env = { FAUSTGEN_ENV_PREFIX: 'OTHER', OTHER_WEB_PORT: '7100', MYAPP_WEB_PORT: '7200' };
    const settings = resolve({ envPrefix: 'MYAPP' }, { env });
    assert.equal(settings.envPrefix, 'OTHER');
    assert.equal(settings.webPort, 7100);
  });

  it('reads bare names with an empty prefix', () => {
    assert.equal(resolve({ envPrefix: '' }, { env: { WEB_PORT: '7300' } }).webPort, 7300);
  });

  it('warns about a prefixed variable that is one typo away from a setting', () => {
    const settings = resolve(
      {},
      { env: { FAUSTGEN_BROKR: 'kafka://x:9092', FAUSTGEN_KAFKA_HOME: '/opt/kafka' } },
    );
    assert.deepEqual(settings.warnings, [
      'env FAUSTGEN_BROKR names no setting; did you mean FAUSTGEN_BROKER?',
    ]);
  });
});

describe('resolveSettings errors', () => {
  it('names an unknown setting and suggests the closest one', () => {
    const problems = problemsOf(() => resolve({ brokerComitEvery: 5 } as SettingsInput));
    assert.deepEqual(problems, [
      {
        setting: 'brokerComitEvery',
        source: 'code',
        message: 'unknown setting',
        suggestion: 'brokerCommitEvery',
      },
    ]);
    const error = new SettingsError(problems);
    assert.match(
      error.message,
      /brokerComitEvery \(code\): unknown setting \(did you mean brokerCommitEvery\?\)/,
    );
  });

  it("points Faust's snake_case names in code to the camelCase one", () => {
    const [problem] = problemsOf(() => resolve({ broker_commit_every: 5 } as SettingsInput));
    assert.equal(problem?.suggestion, 'brokerCommitEvery');
    assert.match(problem?.message ?? '', /Faust's name/);
  });

  it('names an ill-typed value, its source, what is wrong and a likely value', () => {
    const problems = problemsOf(() =>
      resolve(
        { consumerAutoOffsetReset: 'earlist' as 'earliest' },
        { env: { FAUSTGEN_WEB_PORT: 'http' }, flags: { 'topic-partitions': '-2' } },
      ),
    );
    assert.deepEqual(
      problems.map((problem) => [problem.setting, problem.source, problem.suggestion]),
      [
        ['consumerAutoOffsetReset', 'code', 'earliest'],
        ['topicPartitions', 'flag --topic-partitions', undefined],
        ['webPort', 'env FAUSTGEN_WEB_PORT', undefined],
      ],
    );
    assert.match(problems[2]!.message, /expected an integer from 0 to 65535, got "http"/);
  });

  it('reports unknown flags and every problem at once', () => {
    const problems = problemsOf(() =>
      resolve(
        { topicPartitions: 'many' as unknown as number },
        { flags: { 'web-prot': 1, debug: 'perhaps' } },
      ),
    );
    assert.deepEqual(
      problems.map((problem) => `${problem.setting} ${problem.source}`),
      ['web-prot flag --web-prot', 'debug flag --debug', 'topicPartitions code'],
    );
    assert.equal(problems[0]!.suggestion, 'webPort');
  });

  it('rejects an app id Kafka cannot use in topic and group names', () => {
    const [problem] = problemsOf(() => resolve({}, {}, 'my app'));
    assert.equal(problem?.setting, 'id');
  });

  it('rejects timeouts that contradict each other', () => {
    const problems = problemsOf(() => resolve({ brokerSessionTimeout: 100, brokerHeartbeatInterval: 100 }));
    assert.deepEqual(
      problems.map((problem) => problem.setting),
      ['brokerHeartbeatInterval', 'brokerSessionTimeout'],
    );
  });
});

describe('resolveSettings app id', () => {
  it('is the id itself at version 1', () => {
    assert.equal(resolve({}).appId, 'payments');
    assert.equal(resolve({ version: 1, idFormat: '{id}-x' }).appId, 'payments');
  });

  it("applies idFormat above version 1, Faust's '{id}-v{self.version}' by default", () => {
    const settings = resolve({ version: 3 });
    assert.equal(settings.id, 'payments');
    assert.equal(settings.appId, 'payments-v3');
    assert.equal(settings.tabledir.split(/[\\/]/).join('/'), 'payments-data/v3/tables');
    assert.equal(resolve({ version: 2, idFormat: '{id}_{version}' }).appId, 'payments_2');
    assert.equal(resolve({}, { env: { FAUSTGEN_VERSION: '2' } }).appId, 'payments-v2');
  });

  it('fills datadir placeholders with the id and the effective app id', () => {
    assert.equal(resolve({ version: 2, datadir: '/var/lib/{conf.id}' }).datadir, '/var/lib/payments-v2');
    assert.equal(resolve({ datadir: '/data/{conf.name}' }).datadir, '/data/payments');
  });

  it('reports an unknown placeholder in idFormat', () => {
    const [problem] = problemsOf(() => resolve({ version: 2, idFormat: '{id}-{colour}' }));
    assert.equal(problem?.setting, 'idFormat');
    assert.match(problem?.message ?? '', /unknown placeholder \{colour\}/);
  });
});

describe('resolveSettings warnings', () => {
  it('warns about settings that cannot be honoured when they are set, and only then', () => {
    assert.deepEqual(resolve({}).warnings, []);
    const settings = resolve(
      { consumerGroupInstanceId: 'worker-1', brokerCheckCrcs: false, producerThreaded: true },
      { env: { FAUSTGEN_CACHE: 'redis://cache' } },
    );
    const text = settings.warnings.join('\n');
    assert.equal(settings.warnings.length, 4);
    assert.match(
      text,
      /consumerGroupInstanceId \(code\) is accepted but cannot be honoured by the Kafka client/,
    );
    assert.match(text, /brokerCheckCrcs \(code\) is accepted but cannot be honoured/);
    assert.match(text, /producerThreaded \(code\) is accepted but has no effect in faustgen/);
    assert.match(
      text,
      /cache \(env FAUSTGEN_CACHE\) is accepted but configures something faustgen does not have yet/,
    );
  });

  it('does not warn about what librdkafka honours when it is the client', () => {
    const given = { consumerGroupInstanceId: 'worker-1', producerCompressionType: 'zstd' } as const;
    assert.equal(resolve(given).warnings.length, 2, 'on kafkajs both are warned about');
    assert.deepEqual(resolve({ ...given, brokerClient: 'librdkafka' }).warnings, []);
    const crcs = resolve({ brokerClient: 'librdkafka', brokerCheckCrcs: false }).warnings;
    assert.equal(crcs.length, 1, 'a setting librdkafka does not honour is still warned about');
  });

  it('does not warn when an unsupported setting is set to its default', () => {
    assert.deepEqual(resolve({ brokerCheckCrcs: true, brokerApiVersion: 'auto' }).warnings, []);
  });

  it('warns about values that are accepted but not honoured', () => {
    const settings = resolve({ processingGuarantee: 'exactly_once', producerCompressionType: 'lz4' });
    assert.equal(settings.warnings.length, 1, 'exactly_once is honoured: no warning');
    assert.match(settings.warnings[0]!, /"lz4" has no codec/);
  });

  it('reads the deprecated url as broker, with a warning', () => {
    const settings = resolve({ url: 'kafka://old:9092' });
    assert.deepEqual(settings.broker, ['kafka://old:9092']);
    assert.deepEqual(settings.brokerConsumer, ['kafka://old:9092']);
    assert.deepEqual(settings.warnings, ['url (code) is deprecated: use broker']);
    assert.deepEqual(resolve({ url: 'kafka://old:9092', broker: 'kafka://new:9092' }).broker, [
      'kafka://new:9092',
    ]);
  });

  it('derives producerLinger from the deprecated producerLingerMs', () => {
    assert.equal(resolve({ producerLingerMs: 250 }).producerLinger, 0.25);
    assert.equal(resolve({ producerLingerMs: 250, producerLinger: 1 }).producerLinger, 1);
  });
});

describe('resolved settings', () => {
  it('are frozen', () => {
    const settings = resolve({});
    assert.ok(Object.isFrozen(settings));
    assert.throws(() => {
      (settings as { topicPartitions: number }).topicPartitions = 1;
    }, TypeError);
  });

  it('read process.env when no env is given', () => {
    const variable = 'FAUSTGEN_TABLE_KEY_INDEX_SIZE';
    const before = process.env[variable];
    process.env[variable] = '77';
    try {
      assert.equal(resolveSettings('payments', {}).tableKeyIndexSize, 77);
    } finally {
      if (before === undefined) delete process.env[variable];
      else process.env[variable] = before;
    }
  });
});
