import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  configFromModule,
  configFromObject,
  resolveSettings,
  SettingsError,
} from '../../../../../runtime/core/settings/index.js';

describe('configFromObject', () => {
  it('reads camelCase names as they are', () => {
    const { settings, notes } = configFromObject({ topicPartitions: 4, broker: 'kafka://a:9092' });
    assert.deepEqual(settings, { topicPartitions: 4, broker: 'kafka://a:9092' });
    assert.deepEqual(notes, []);
  });

  it("maps Faust's snake_case and old option names, with a note for each", () => {
    const { settings, notes } = configFromObject({
      broker_commit_every: 500,
      HttpClient: 'x',
      default_partitions: 3,
    });
    assert.deepEqual(settings, { brokerCommitEvery: 500, HttpClient: 'x', topicPartitions: 3 });
    assert.deepEqual(notes, [
      'broker_commit_every read as brokerCommitEvery',
      'default_partitions is an old Faust option name, read as topicPartitions',
    ]);
  });

  it('gives settings that resolve like settings in code', () => {
    const { settings } = configFromObject({ broker_commit_interval: '5s', web_port: '8080' });
    const resolved = resolveSettings('payments', settings, { env: { FAUSTGEN_WEB_PORT: '9090' } });
    assert.equal(resolved.brokerCommitInterval, 5);
    assert.equal(resolved.webPort, 9090);
  });

  it('rejects unknown names with a suggestion, and one setting given twice', () => {
    assert.throws(
      () => configFromObject({ brokr: 'x', topic_partitions: 2, topicPartitions: 3 }),
      (error: unknown) => {
        assert.ok(error instanceof SettingsError);
        assert.deepEqual(
          error.problems.map((problem) => [problem.setting, problem.suggestion]),
          [
            ['brokr', 'broker'],
            ['topicPartitions', undefined],
          ],
        );
        assert.match(error.problems[1]!.message, /also given as topic_partitions/);
        return true;
      },
    );
  });
});

describe('configFromModule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a module's named exports as settings", async () => {
    const file = join(dir, 'named.mjs');
    writeFileSync(file, "export const broker = 'kafka://m:9092';\nexport const topic_partitions = 2;\n");
    const { settings, notes } = await configFromModule(file);
    assert.deepEqual(settings, { broker: 'kafka://m:9092', topicPartitions: 2 });
    assert.deepEqual(notes, ['topic_partitions read as topicPartitions']);
  });

  it("reads a module's default export when it has no named ones", async () => {
    const file = join(dir, 'default.mjs');
    writeFileSync(file, 'export default { webPort: 7000 };\n');
    assert.deepEqual((await configFromModule(file)).settings, { webPort: 7000 });
  });

  it('returns no settings for a missing module when silent, and throws otherwise', async () => {
    const missing = join(dir, 'missing.mjs');
    assert.deepEqual((await configFromModule(missing, { silent: true })).settings, {});
    await assert.rejects(configFromModule(missing), { code: 'ERR_MODULE_NOT_FOUND' });
  });
});
