// Small hand-built datasets for the engine tests (no dependency on the data module).
import type { PreparedData, Table } from '../../../src/core/data/types';
import { RunSpec } from '../../../src/core/experiment/schema';
import { Rng } from '../../../src/core/rng';

export function spec(overrides: Record<string, unknown> = {}): RunSpec {
  return RunSpec.parse({ data: { kind: 'moons' }, ...overrides });
}

function table(rows: number[][], y: number[]): Table {
  const d = rows[0]?.length ?? 0;
  return { x: Float32Array.from(rows.flat()), y: Int32Array.from(y), n: rows.length, d };
}

/** Split rows into train/val(/test) after a seeded shuffle and wrap as PreparedData. */
export function prepared(rows: number[][], y: number[], classNames: string[], opts: { val?: number; test?: number; seed?: number } = {}): PreparedData {
  const order = rows.map((_, i) => i);
  new Rng(opts.seed ?? 7).shuffle(order);
  const nVal = Math.round(rows.length * (opts.val ?? 0.2));
  const nTest = Math.round(rows.length * (opts.test ?? 0));
  const pick = (ids: number[]) => table(ids.map((i) => rows[i]), ids.map((i) => y[i]));
  const valIds = order.slice(0, nVal);
  const testIds = order.slice(nVal, nVal + nTest);
  const trainIds = order.slice(nVal + nTest);
  const train = pick(trainIds);
  const d = rows[0].length;
  const featureNames = Array.from({ length: d }, (_, i) => `x${i}`);
  const sliceBase = new Float32Array(d);
  for (let r = 0; r < train.n; r++) for (let j = 0; j < d; j++) sliceBase[j] += train.x[r * d + j] / train.n;
  return {
    train,
    val: valIds.length ? pick(valIds) : { x: new Float32Array(0), y: new Int32Array(0), n: 0, d },
    test: testIds.length ? pick(testIds) : undefined,
    featureNames,
    classNames,
    preprocessing: {
      inputColumns: featureNames,
      features: featureNames.map((name) => ({ kind: 'numeric' as const, name, column: name, mean: 0, std: 1 })),
      classNames,
    },
    sliceBase,
    sliceFeatures: d === 1 ? [0] : [0, 1],
    notes: [],
  };
}

export function moons(n = 200, noise = 0.1, seed = 1, opts: { val?: number; test?: number } = {}): PreparedData {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = Math.PI * rng.next();
    const [x0, x1] = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    rows.push([x0 + noise * rng.normal(), x1 + noise * rng.normal()]);
    y.push(c);
  }
  return prepared(rows, y, ['0', '1'], opts);
}

export function blobs(n = 150, classes = 3, seed = 2): PreparedData {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, (_, k) => [3 * Math.cos((2 * Math.PI * k) / classes), 3 * Math.sin((2 * Math.PI * k) / classes)]);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    rows.push([centres[k][0] + rng.normal(), centres[k][1] + rng.normal()]);
    y.push(k);
  }
  return prepared(rows, y, centres.map((_, k) => `c${k}`));
}

/** The 1-D window lesson: integers from -20..19, label 1 inside (-4, 4), scaled to ~unit range. */
export function windowData(): PreparedData {
  const rows: number[][] = [];
  const y: number[] = [];
  for (let v = -20; v <= 19; v++) {
    rows.push([v / 10]);
    y.push(v > -4 && v < 4 ? 1 : 0);
  }
  return prepared(rows, y, ['outside', 'inside']);
}
