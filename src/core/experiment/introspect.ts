// Reads the zod schema back, so messages can say what a field expects ("an integer ≥ 4") and sweep
// paths can be checked against the real fields, without restating the schema anywhere else.
import type { z } from 'zod';
import type { JsonPath } from '../errors';

type Schema = z.ZodType;
// zod 4 keeps a schema's definition under `_zod.def`; it is public but loosely typed.
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  items?: Schema[];
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
}

function def(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema under defaults, optionals and pipes: what a written value is checked against. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if ((d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'readonly' || d.type === 'prefault' || d.type === 'catch') && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The option of a discriminated union that `value` selects, if its discriminator names one. */
function unionOption(d: Def, value: unknown): Schema | undefined {
  if (!d.discriminator || !isPlainObject(value)) return undefined;
  const wanted = value[d.discriminator];
  return d.options?.find((o) => {
    const tag = def(unwrap(o)).shape?.[d.discriminator!];
    return tag !== undefined && (def(unwrap(tag)).values ?? []).includes(wanted);
  });
}

/** The sub-schema that validates `path` inside `value`, or undefined when the path leaves the schema. */
export function schemaAt(root: Schema, path: JsonPath, value: unknown): Schema | undefined {
  let s: Schema | undefined = root;
  let v = value;
  for (const seg of path) {
    if (!s) return undefined;
    s = childSchema(unwrap(s), seg, v);
    v = isPlainObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  }
  return s;
}

function childSchema(s: Schema, seg: string | number, value: unknown): Schema | undefined {
  const d = def(s);
  switch (d.type) {
    case 'object': return d.shape?.[seg as string] ?? (d.catchall && def(d.catchall).type !== 'never' ? d.catchall : undefined);
    case 'record': return d.valueType;
    case 'array': return d.element;
    case 'tuple': return typeof seg === 'number' ? d.items?.[seg] : undefined;
    case 'union': {
      const option = unionOption(d, value);
      return option ? childSchema(unwrap(option), seg, value) : undefined;
    }
    default: return undefined;
  }
}

/** Keys an object schema accepts (for a discriminated union: the option `value` selects). */
export function knownKeys(schema: Schema | undefined, value: unknown): string[] {
  if (!schema) return [];
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'union') {
    const option = unionOption(d, value);
    return option ? knownKeys(option, value) : [];
  }
  return [];
}

/** The allowed values of an enum or literal schema, or undefined for anything else. */
export function enumValues(schema: Schema | undefined): unknown[] | undefined {
  if (!schema) return undefined;
  const d = def(unwrap(schema));
  if (d.type === 'enum') return Object.values(d.entries ?? {});
  if (d.type === 'literal') return d.values;
  return undefined;
}

/** The discriminated union's tags, e.g. every `data.kind`. */
export function discriminatorValues(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  const d = def(unwrap(schema));
  if (d.type !== 'union' || !d.discriminator) return [];
  return (d.options ?? []).flatMap((o) => enumValues(def(unwrap(o)).shape?.[d.discriminator!]) ?? []);
}

const fmt = (n: number) => String(n);

function describeNumber(d: Def): string {
  let integer = false;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === 'number_format' && (cd.format === 'safeint' || cd.format === 'int32')) integer = true;
    else if (cd.check === 'greater_than') min = { value: cd.value!, inclusive: cd.inclusive ?? false };
    else if (cd.check === 'less_than') max = { value: cd.value!, inclusive: cd.inclusive ?? false };
  }
  const noun = integer ? 'an integer' : 'a number';
  if (min && max && min.inclusive && max.inclusive) return `${noun} between ${fmt(min.value)} and ${fmt(max.value)}`;
  const bounds = [
    min && `${min.inclusive ? '≥' : '>'} ${fmt(min.value)}`,
    max && `${max.inclusive ? '≤' : '<'} ${fmt(max.value)}`,
  ].filter(Boolean);
  return bounds.length ? `${noun} ${bounds.join(' and ')}` : noun;
}

function describeString(d: Def): string {
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.pattern) return `a string matching ${cd.pattern}`;
  }
  const nonEmpty = (d.checks ?? []).some((c) => c._zod.def.check === 'min_length' && (c._zod.def.minimum ?? 0) > 0);
  return nonEmpty ? 'a non-empty string' : 'a string';
}

/** What a schema expects, as a noun phrase: "an integer ≥ 4", "one of `relu`, `tanh`". */
export function describeExpected(schema: Schema | undefined): string {
  if (!schema) return 'nothing here';
  const d = def(unwrap(schema));
  switch (d.type) {
    case 'number': return describeNumber(d);
    case 'string': return describeString(d);
    case 'boolean': return 'true or false';
    case 'enum': return `one of ${Object.values(d.entries ?? {}).map((v) => `\`${v}\``).join(', ')}`;
    case 'literal': return (d.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'union': return d.discriminator ? 'an object with a `' + d.discriminator + '`' : (d.options ?? []).map(describeExpected).join(' or ');
    case 'array': return `a list (each item ${describeExpected(d.element)})`;
    case 'tuple': return `a list of exactly ${d.items?.length ?? 0} items (${(d.items ?? []).map(describeExpected).join(', ')})`;
    case 'object': case 'record': return 'an object';
    default: return 'a value';
  }
}

/** A written value as a message shows it: strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length ? `a list of ${value.length}` : 'an empty list';
  if (isPlainObject(value)) return 'an object';
  // JSON.stringify writes Infinity as null, which hides what went wrong with 1e400.
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to represent (it overflows to Infinity)';
  return JSON.stringify(value);
}

/**
 * Every dotted path a sweep may name, e.g. `optimizer.lr`, `data.noise`, `training.earlyStopping.patience`.
 * Data fields come from all kinds; whether a field fits the run's kind is left to re-validation.
 */
export function fieldPaths(schema: Schema): string[] {
  const out = new Set<string>();
  const walk = (s: Schema, prefix: string) => {
    const d = def(unwrap(s));
    const children: [string, Schema][] =
      d.type === 'object' ? Object.entries(d.shape ?? {}) :
      d.type === 'union' && d.discriminator ? (d.options ?? []).flatMap((o) => Object.entries(def(unwrap(o)).shape ?? {})) : [];
    for (const [key, child] of children) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      walk(child, path);
    }
  };
  walk(schema, '');
  return [...out];
}
