// JSON that keeps NaN and ±Infinity. A diverged run's losses and outputs are data (a NaN written
// as null once turned a whole run list invalid), so the store and the report write them as marked
// strings and read them back as numbers. The marker starts with a NUL character, which no
// experiment name or config value holds. For small parts of a run (an epoch, a header): grids
// have their own codec.

const MARK = '\u0000';
const NON_FINITE: Record<string, number> = { [`${MARK}NaN`]: NaN, [`${MARK}Infinity`]: Infinity, [`${MARK}-Infinity`]: -Infinity };

function replace(_key: string, value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : `${MARK}${value}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

function revive(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && value in NON_FINITE ? NON_FINITE[value] : value;
}

export function stringifyRunPart(value: unknown, space?: number): string {
  return JSON.stringify(value, replace, space);
}

export function parseRunPart<T = unknown>(text: string): T {
  return JSON.parse(text, revive) as T;
}
