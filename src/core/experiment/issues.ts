// Turns zod issues into plain-language problems: what was expected, what was written, a hint. The
// caller decides where in the file a problem lands (the file itself, or a sweep value / variant).
import type { z } from 'zod';
import { formatJsonPath, type JsonPath } from '../errors';
import { describeExpected, describeValue, discriminatorValues, enumValues, knownKeys, schemaAt } from './introspect';
import { didYouMean } from './suggest';

export interface Problem {
  /** Path inside the validated value. */
  path: JsonPath;
  /** 'key' for unknown keys; a missing key is a 'value' whose path does not exist in the source. */
  target: 'value' | 'key';
  message: string;
  hint?: string;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

const code = (s: string) => `\`${s}\``;
function where(path: JsonPath): string {
  return path.length ? code(formatJsonPath(path)) : 'the experiment';
}

function enumHint(wanted: unknown, allowed: unknown[]): string {
  const names = allowed.map(String);
  const guess = typeof wanted === 'string' ? didYouMean(wanted, names) : undefined;
  const list = `allowed: ${names.join(', ')}`;
  return guess ? `${guess} (${list})` : list;
}

/** Why a number is out of range and what to write instead; samples name their documented limit. */
function rangeHint(issue: z.core.$ZodIssue, field: string | number | undefined, written: unknown): string | undefined {
  if (typeof written === 'number' && !Number.isFinite(written)) return 'write an ordinary number; values beyond ±1.8e308 are read as Infinity';
  if (issue.code === 'too_big') {
    if (field === 'samples') return `the limit is ${Number(issue.maximum).toLocaleString('en-US')} samples per dataset, so memory and time stay bounded (README: Limits)`;
    return issue.inclusive ? `the largest allowed value is ${String(issue.maximum)}` : `write a value below ${String(issue.maximum)}`;
  }
  if (issue.code === 'too_small') return issue.inclusive ? `the smallest allowed value is ${String(issue.minimum)}` : `write a value above ${String(issue.minimum)}`;
  if (issue.code === 'invalid_type') return `write ${issue.expected === 'number' ? 'a number' : issue.expected === 'string' ? 'a string in double quotes' : `a value of type ${issue.expected}`} here`;
  if (issue.code === 'invalid_format' || issue.code === 'not_multiple_of') return 'see the experiment schema for the allowed values';
  return undefined;
}

/** Problems for one zod issue, reported against `schema` validating `value`. */
export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, value: unknown): Problem[] {
  const path = issue.path as JsonPath;
  const written = valueAt(value, path);
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const fieldSchema = schemaAt(schema, path, value);

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schemaAt(schema, path, value), valueAt(value, path));
    return issue.keys.map((key) => ({
      path: [...path, key],
      target: 'key' as const,
      message: `unknown key ${code(key)} in ${where(path)}`,
      hint: didYouMean(key, known) ?? (known.length ? `known keys: ${known.join(', ')}` : undefined),
    }));
  }

  // A discriminated union whose tag is missing or unknown: blame the tag itself.
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const unionPath = last === issue.discriminator ? parentPath : path;
    const tagPath = [...unionPath, issue.discriminator];
    const tags = discriminatorValues(schemaAt(schema, unionPath, value));
    const tag = valueAt(value, tagPath);
    const allowed = tags.map((t) => code(String(t))).join(', ');
    if (tag === undefined) {
      return [{ path: tagPath, target: 'value', message: `${where(unionPath)} needs ${code(issue.discriminator)}: one of ${allowed}`, hint: `add "${issue.discriminator}": "${tags[0]}"` }];
    }
    return [{ path: tagPath, target: 'value', message: `expected ${where(tagPath)} to be one of ${allowed}, got ${describeValue(tag)}`, hint: enumHint(tag, tags) }];
  }

  // A required key that is not written at all.
  if (written === undefined && path.length > 0 && issue.code === 'invalid_type') {
    return [{ path, target: 'value', message: `${where(parentPath)} needs ${code(String(last))}: ${describeExpected(fieldSchema)}`, hint: `add "${String(last)}" to ${where(parentPath)}` }];
  }

  if (issue.code === 'invalid_value') {
    const allowed = enumValues(fieldSchema) ?? issue.values;
    return [{ path, target: 'value', message: `expected ${describeExpected(fieldSchema)}, got ${describeValue(written)}`, hint: enumHint(written, allowed) }];
  }

  if ((issue.code === 'too_small' || issue.code === 'too_big') && (issue.origin === 'array' || issue.origin === 'set')) {
    const n = Array.isArray(written) ? written.length : 0;
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const exact = issue.code === 'too_small' ? (issue as { exact?: boolean }).exact : (issue as { exact?: boolean }).exact;
    const what = exact ? 'exactly' : issue.code === 'too_small' ? 'at least' : 'at most';
    return [{ path, target: 'value', message: `expected ${what} ${bound} item${Number(bound) === 1 ? '' : 's'} in ${where(path)}, got ${n}`, hint: issue.code === 'too_small' ? 'add items to the list' : 'remove items from the list' }];
  }

  if (issue.code === 'invalid_key') {
    return [{ path, target: 'key', message: `invalid key ${code(String(last))} in ${where(parentPath)}: expected a key matching the schema (${issue.message})`, hint: 'feature names are x0, x1, …' }];
  }

  if (fieldSchema) {
    return [{ path, target: 'value', message: `expected ${describeExpected(fieldSchema)}, got ${describeValue(written)}`, hint: rangeHint(issue, last, written) ?? `write ${describeExpected(fieldSchema)}` }];
  }
  return [{ path, target: 'value', message: issue.message, hint: 'see schema/experiment.schema.json for what this field takes' }];
}
