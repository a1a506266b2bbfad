// The JSON Schema VS Code validates and completes experiment files with, derived from the zod
// schema. Input side: fields with defaults are optional, as users write them.
import { z } from 'zod';
import { DataSpec, ExperimentFile, RunSpec } from './schema';
import { discriminatorValues } from './introspect';

/**
 * What editors should offer inside a variant. zod keeps variants loose (they are checked after
 * merging, with positions), but completion and hover inside them help; `data` may be partial here.
 */
function variantSchema(): z.ZodType {
  const { name: _name, data: _data, ...fields } = RunSpec.shape;
  const kinds = discriminatorValues(DataSpec).map(String) as [string, ...string[]];
  return z.object({
    name: z.string().min(1).describe('Names this variant\'s runs: <experiment>/<name>.'),
    ...fields,
    data: z.object({ kind: z.enum(kinds).optional() }).catchall(z.unknown()).optional()
      .describe('Merged into the base data; changing kind keeps only the fields the new kind understands.'),
  }).strict();
}

function toJson(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function experimentJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = toJson(ExperimentFile);
  const variants = (rest.properties as Record<string, { items?: unknown }>).variants;
  const { $schema: _nested, ...items } = toJson(variantSchema());
  variants.items = items;
  return {
    $schema,
    title: 'Logit Lab experiment',
    description: 'A classifier training experiment: data, model, loss, optimizer, training, plus optional variants, sweep, baseline and success criterion. JSON with comments.',
    allowTrailingCommas: true,
    allowComments: true,
    ...rest,
  };
}

/** The file as committed: stable formatting so the drift test compares bytes. */
export function experimentJsonSchemaText(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}
