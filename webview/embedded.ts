// The runs embedded in an HTML report: packed (src/core/run/packed.ts) by reports of this version,
// plain records in older ones. A run that cannot be unpacked is passed on as it is, so the
// validator names it and the other runs still show.
import { inflateSync } from 'fflate';
import { isPackedRun, unpackRun } from '../src/core/run/packed';

export function unpackEmbeddedRuns(runs: unknown): unknown[] {
  if (!Array.isArray(runs)) return [];
  return runs.map((r) => {
    if (!isPackedRun(r)) return r;
    try {
      return unpackRun(r, (bytes) => inflateSync(bytes));
    } catch {
      return { unreadable: true, id: r.header?.id };
    }
  });
}
