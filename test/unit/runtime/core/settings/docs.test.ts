import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderSettingsDoc, SETTINGS } from '../../../../../runtime/core/settings/index.js';
import { SETTINGS_DOC } from './repo.js';

describe('docs/settings.md', () => {
  it('is what the registry generates', () => {
    assert.ok(existsSync(SETTINGS_DOC), 'docs/settings.md is missing: run `npm run build && npm run docs`');
    const current = readFileSync(SETTINGS_DOC, 'utf8');
    assert.ok(
      current === renderSettingsDoc(),
      'docs/settings.md is stale: run `npm run build && npm run docs` and commit the result',
    );
  });

  it('has a row per setting with its Faust name, env variable and status beside it', () => {
    const rows = renderSettingsDoc()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    assert.equal(rows.length, SETTINGS.length);
    const commitEvery = rows.find((row) => row.startsWith('| `brokerCommitEvery` |'));
    assert.match(
      commitEvery ?? '',
      /\| `broker_commit_every` \| .* \| `10000` \| `FAUSTGEN_BROKER_COMMIT_EVERY` \| supported \|/,
    );
    const broker = rows.find((row) => row.startsWith('| `broker` |'));
    assert.match(broker ?? '', /Faust: `"kafka:\/\/localhost:9092"`/);
    const logLevel = rows.find((row) => row.startsWith('| `logLevel` |'));
    assert.match(logLevel ?? '', /\| \*faustgen\* \|/);
  });
});
