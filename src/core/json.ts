// JSON text of what the engine records. Snapshots hold typed arrays (GridValues), which
// JSON.stringify would write as {"0": …, "1": …} objects: here they are written as arrays.

export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(withPlainArrays(value), null, space);
}

/**
 * The value with its typed arrays as number[]s, sharing every part that holds none. (A replacer
 * function would do the same but runs once per number: 2.5× slower on a run with 51 snapshots.)
 */
function withPlainArrays(value: unknown): unknown {
  if (value instanceof Float64Array || value instanceof Float32Array) {
    const out = packedDoubles(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i];
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      const p = withPlainArrays(v);
      if (p !== v) (copy ??= value.slice())[i] = p;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'object' || v === null) continue;
    const p = withPlainArrays(v);
    if (p !== v) (copy ??= { ...value })[k] = p;
  }
  return copy ?? value;
}

const blanks = new Map<number, number[]>();

/**
 * A number[] of n doubles to overwrite, copied from a kept one. It must be packed: JSON.stringify
 * writes a holey array (new Array(n), even filled) ~1.8× slower. Array.from(typedArray) is
 * packed but ~10× slower to make than this copy and loop.
 */
function packedDoubles(n: number): number[] {
  let blank = blanks.get(n);
  if (!blank) blanks.set(n, (blank = Array.from({ length: n }, () => 0.5)));
  return blank.slice();
}
