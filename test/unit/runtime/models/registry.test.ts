import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getModel,
  isModel,
  model,
  modelNamespaces,
  registerModel,
  unregisterModel,
} from '../../../../runtime/models/index.js';

describe('model registry', () => {
  it('registers every model under its namespace', () => {
    const Thing = model('Thing', { type: 'object' }, { namespace: 'reg.Thing' });
    assert.equal(getModel('reg.Thing'), Thing);
    assert.ok(modelNamespaces().includes('reg.Thing'));
    assert.equal(getModel('reg.Nothing'), undefined);
  });

  it('lets the same schema be declared again under a namespace, the newest winning', () => {
    const first = model(
      'Again',
      { type: 'object', properties: { a: { type: 'string' } } },
      { namespace: 'reg.Again' },
    );
    const second = model(
      'Again',
      { type: 'object', properties: { a: { type: 'string' } } },
      { namespace: 'reg.Again' },
    );
    assert.notEqual(first, second);
    assert.equal(getModel('reg.Again'), second);
  });

  it('refuses a different schema under a taken namespace', () => {
    model('Taken', { type: 'object' }, { namespace: 'reg.Taken' });
    assert.throws(() => model('Other', { type: 'array' }, { namespace: 'reg.Taken' }), {
      name: 'TypeError',
      message:
        "model namespace 'reg.Taken' is already taken by model 'Taken' with a different schema; give one of them another namespace",
    });
  });

  it('unregisters and re-registers', () => {
    const Gone = model('Gone', { type: 'object' }, { namespace: 'reg.Gone' });
    assert.equal(unregisterModel('reg.Gone'), true);
    assert.equal(getModel('reg.Gone'), undefined);
    registerModel(Gone);
    assert.equal(getModel('reg.Gone'), Gone);
  });

  it('tells models from other values', () => {
    assert.equal(isModel(getModel('reg.Thing')), true);
    assert.equal(isModel('json'), false);
    assert.equal(isModel({ kind: 'model' }), false);
    assert.equal(isModel(null), false);
  });
});
