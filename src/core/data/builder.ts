// Collects generated points one by one into the row-major RawDataset the generators return.
import type { RawDataset } from './types';

export class PointSet {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];

  constructor(readonly featureNames: string[], readonly classNames: string[]) {}

  add(point: readonly number[], label: number): void {
    this.xs.push(...point);
    this.ys.push(label);
  }

  build(notes: string[] = []): RawDataset {
    return {
      x: Float32Array.from(this.xs),
      y: Int32Array.from(this.ys),
      n: this.ys.length,
      d: this.featureNames.length,
      featureNames: this.featureNames,
      classNames: this.classNames,
      notes,
    };
  }
}

/** numpy's linspace(start, stop, count, endpoint): evenly spaced values, as sklearn's generators use. */
export function linspace(start: number, stop: number, count: number, endpoint = true): number[] {
  if (count === 1) return [start];
  const step = (stop - start) / (endpoint ? count - 1 : count);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

export const XY = ['x0', 'x1'];
export const BINARY = ['0', '1'];
