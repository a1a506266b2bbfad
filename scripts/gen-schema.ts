// Writes schema/experiment.schema.json from the zod schema (run: npx tsx scripts/gen-schema.ts).
// A unit test fails when the committed file and this output differ.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentJsonSchemaText } from '../src/core/experiment/json-schema';

const out = join(__dirname, '..', 'schema', 'experiment.schema.json');
writeFileSync(out, experimentJsonSchemaText());
console.log(`wrote ${out}`);
