import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { batchJsonSchema } from '../../../shared/batch/json-schema';

test('docs/batch.schema.json is the schema the station enforces (regenerate with scripts/batch-schema.ts)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../../docs/batch.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(batchJsonSchema())));
  assert.ok(JSON.stringify(committed).includes('recordId'));
});
