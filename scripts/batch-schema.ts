// Writes docs/batch.schema.json from the zod schema of the batch format, so the documented
// schema can never drift from the one the station enforces (a unit test compares them).
import { writeFileSync } from 'node:fs';
import { batchJsonSchema } from '../shared/batch/json-schema';
writeFileSync(new URL('../docs/batch.schema.json', import.meta.url), JSON.stringify(batchJsonSchema(), null, 2) + '\n');
