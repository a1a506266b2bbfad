import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { experimentJsonSchema, experimentJsonSchemaText } from '../../../src/core/experiment';

const committed = path.join(__dirname, '..', '..', '..', 'schema', 'experiment.schema.json');

describe('schema/experiment.schema.json', () => {
  it('matches what scripts/gen-schema.ts generates (run `npx tsx scripts/gen-schema.ts` after changing schema.ts)', () => {
    assert.equal(fs.readFileSync(committed, 'utf8'), experimentJsonSchemaText());
  });

  it('is the input side: defaulted fields are optional, data is required, unknown keys rejected', () => {
    const schema = experimentJsonSchema() as { required?: string[]; additionalProperties?: unknown; allowTrailingCommas?: boolean; title?: string; properties: Record<string, { description?: string }> };
    assert.deepEqual(schema.required, ['data']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.allowTrailingCommas, true);
    assert.equal(schema.title, 'Logit Lab experiment');
    assert.match(schema.properties.baseline.description ?? '', /logistic regression/);
  });
});
