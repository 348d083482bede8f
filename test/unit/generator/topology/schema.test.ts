import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { findSetting, SETTINGS } from '../../../../runtime/core/settings/index.js';
import { topologySchema } from '../../../../generator/topology/index.js';
import { EXAMPLE_TOPOLOGY } from './repo.js';

type Schema = Record<string, unknown>;

const example = JSON.parse(readFileSync(EXAMPLE_TOPOLOGY, 'utf8')) as Record<string, unknown>;
const settingsSchema = (topologySchema().definitions as Record<string, Schema>).settings!;
const settingProperties = settingsSchema.properties as Record<string, Schema>;

describe('the topology JSON Schema', () => {
  it('compiles as draft-07 and accepts the example (as a strict validator)', () => {
    const ajv = new Ajv({
      allErrors: true,
      discriminator: true,
      allowUnionTypes: true,
      strictRequired: false,
    });
    ajv.addKeyword({ keyword: 'deprecationMessage', schemaType: 'string' });
    const validate = ajv.compile(topologySchema());
    assert.ok(validate(example), JSON.stringify(validate.errors));
    const broken = structuredClone(example) as { topics: Record<string, Record<string, unknown>> };
    broken.topics.payments!.partitions = 0;
    assert.equal(validate(broken), false);
  });

  it('works for a validator that ignores unknown keywords, as editors do', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(topologySchema());
    assert.ok(validate(example), JSON.stringify(validate.errors));
    const badWindow = structuredClone(example) as {
      tables: Record<string, { window?: Record<string, unknown> }>;
    };
    badWindow.tables['hourly-spend']!.window!.type = 'weekly';
    assert.equal(validate(badWindow), false);
    const badModel = structuredClone(example) as {
      models: Record<string, { schema: Record<string, unknown> }>;
    };
    badModel.models.Payment!.schema.required = 'id';
    assert.equal(validate(badModel), false, "a model's schema is checked against the draft-07 meta-schema");
  });

  it('has a property for every setting of the registry but version, which is app.version', () => {
    const expected = SETTINGS.map((def) => def.name).filter((name) => name !== 'version');
    assert.deepEqual(Object.keys(settingProperties), expected);
    assert.equal(settingsSchema.additionalProperties, false);
  });

  it("takes each setting's enum values and JSON default from the registry", () => {
    assert.deepEqual(settingProperties.logLevel?.enum, findSetting('logLevel')!.type.values);
    assert.deepEqual(settingProperties.producerAcks?.enum, [-1, 0, 1]);
    assert.deepEqual(settingProperties.producerCompressionType?.enum, [
      'gzip',
      'snappy',
      'lz4',
      'zstd',
      null,
    ]);
    const ajv = new Ajv({ strict: false });
    let checked = 0;
    for (const [name, schema] of Object.entries(settingProperties)) {
      if (!('default' in schema)) continue;
      checked++;
      const validate = ajv.compile(schema);
      assert.ok(
        validate(schema.default),
        `${name}'s default ${JSON.stringify(schema.default)} fails its own schema`,
      );
    }
    assert.ok(checked > 50, `only ${checked} settings have a JSON default`);
  });
});
