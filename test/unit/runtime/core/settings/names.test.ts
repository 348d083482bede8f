import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  closestName,
  editDistance,
  envVariableName,
  kebab,
  snakeToCamel,
  toCamel,
  upperSnake,
} from '../../../../../runtime/core/settings/names.js';

describe('setting names', () => {
  it('maps Faust snake_case names to camelCase and leaves class-symbol names alone', () => {
    assert.equal(snakeToCamel('broker_commit_every'), 'brokerCommitEvery');
    assert.equal(
      snakeToCamel('aerospike_sleep_seconds_between_retries_on_exception'),
      'aerospikeSleepSecondsBetweenRetriesOnException',
    );
    assert.equal(snakeToCamel('HttpClient'), 'HttpClient');
    assert.equal(snakeToCamel('loghandlers'), 'loghandlers');
  });

  it('spells env variables in upper snake case, class symbols included', () => {
    assert.equal(upperSnake('brokerCommitEvery'), 'BROKER_COMMIT_EVERY');
    assert.equal(upperSnake('HttpClient'), 'HTTP_CLIENT');
    assert.equal(upperSnake('ConsumerScheduler'), 'CONSUMER_SCHEDULER');
    assert.equal(envVariableName('broker'), 'FAUSTGEN_BROKER');
    assert.equal(envVariableName('logLevel'), 'FAUSTGEN_LOG_LEVEL');
  });

  it('joins a custom prefix with exactly one underscore, and an empty prefix gives the bare name', () => {
    assert.equal(envVariableName('broker', 'MYAPP'), 'MYAPP_BROKER');
    assert.equal(envVariableName('broker', 'MYAPP_'), 'MYAPP_BROKER');
    assert.equal(envVariableName('broker', ''), 'BROKER');
  });

  it('spells flags in kebab case and reads them back', () => {
    assert.equal(kebab('webPort'), 'web-port');
    assert.equal(toCamel('web-port'), 'webPort');
    assert.equal(toCamel('broker_commit_every'), 'brokerCommitEvery');
    assert.equal(toCamel('webPort'), 'webPort');
  });

  it('finds the closest name for a typo and nothing for a word far from every name', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    const names = ['brokerCommitEvery', 'brokerCommitInterval', 'webPort'];
    assert.equal(closestName('brokerComitEvery', names), 'brokerCommitEvery');
    assert.equal(closestName('broker_commit_every', names), 'brokerCommitEvery');
    assert.equal(closestName('webport', names), 'webPort');
    assert.equal(closestName('somethingElseEntirely', names), undefined);
  });
});
