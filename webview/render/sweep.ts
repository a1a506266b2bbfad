// What a sweep varied, read from the runs' resolved configs: the swept setting to put on x (the
// learning rate when it varies) and one line per combination of the other varied settings, seeds
// averaged. Pure, so the panel and tests share it.
import type { RunRecord } from '../../src/core/engine/types';

type Leaf = string | number | boolean | null;

/** The config's leaves as dotted paths; arrays are one leaf (their JSON) so `model.hidden` stays one setting. */
export function configLeaves(value: unknown, prefix = '', out: Map<string, Leaf> = new Map()): Map<string, Leaf> {
  if (Array.isArray(value)) out.set(prefix, JSON.stringify(value));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) configLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, value as Leaf);
  return out;
}

export interface SweepLine { label: string; points: { x: number; y: number; runs: number }[] }
export interface SweepPlot { xKey: string; log: boolean; lines: SweepLine[] }

/** The final metric against the swept numeric setting, or undefined when nothing numeric varies. */
export function sweepPlot(runs: RunRecord[], metric: (r: RunRecord) => number | undefined): SweepPlot | undefined {
  const models = runs.filter((r) => r.kind === 'model');
  if (models.length < 2) return undefined;
  const leaves = models.map((r) => configLeaves(r.config));
  const keys = [...new Set(leaves.flatMap((l) => [...l.keys()]))].filter((k) => k !== 'name' && new Set(leaves.map((l) => JSON.stringify(l.get(k) ?? null))).size > 1);
  const numeric = keys.filter((k) => k !== 'seed' && leaves.every((l) => typeof l.get(k) === 'number'));
  const xKey = numeric.includes('optimizer.lr') ? 'optimizer.lr' : numeric[0];
  if (!xKey) return undefined;
  const others = keys.filter((k) => k !== xKey && k !== 'seed');
  // A sweep varies a few settings on a grid; runs that differ in everything are not one.
  if (others.length > 2) return undefined;
  const lines = new Map<string, Map<number, { sum: number; n: number }>>();
  models.forEach((r, i) => {
    const y = metric(r);
    if (y === undefined || !Number.isFinite(y)) return;
    const label = others.length ? others.map((k) => `${k.split('.').at(-1)} ${String(leaves[i].get(k))}`).join(', ') : 'final';
    const x = leaves[i].get(xKey) as number;
    const line = lines.get(label) ?? new Map();
    lines.set(label, line);
    const p = line.get(x) ?? { sum: 0, n: 0 };
    p.sum += y;
    p.n++;
    line.set(x, p);
  });
  if (![...lines.values()].some((l) => l.size >= 2)) return undefined;
  const xs = models.map((_, i) => leaves[i].get(xKey) as number);
  const log = xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) >= 10;
  return {
    xKey, log,
    lines: [...lines].map(([label, pts]) => ({ label, points: [...pts].sort((a, b) => a[0] - b[0]).map(([x, p]) => ({ x, y: p.sum / p.n, runs: p.n })) })),
  };
}
