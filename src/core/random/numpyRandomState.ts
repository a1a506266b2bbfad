// NumPy's legacy `np.random.RandomState` (and the global `np.random.seed` functions): the stream
// scikit-learn's `random_state=` and the NumPy lessons draw from. Every method consumes the
// generator exactly as NumPy 1.17+'s legacy code path does, so a seed gives NumPy's numbers
// (integers bit for bit; floats to the last bit except where libm and V8 round log() differently).
import { Mt19937 } from './mt19937';

export class NumpyRandomState {
  private readonly mt: Mt19937;
  /** The legacy Gaussian makes values in pairs and keeps the second for the next call. */
  private spareGauss: number | null = null;

  constructor(seed: number) {
    this.mt = new Mt19937(seed);
  }

  /** `random_sample()`: a double in [0, 1) from 53 random bits (two 32-bit draws). */
  randomSample(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `standard_normal()` / `randn()`: the legacy polar Box–Muller method. */
  standardNormal(): number {
    if (this.spareGauss !== null) {
      const spare = this.spareGauss;
      this.spareGauss = null;
      return spare;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spareGauss = f * x1;
    return f * x2;
  }

  /** `normal(loc, scale)`. */
  normal(loc: number, scale: number): number {
    return loc + scale * this.standardNormal();
  }

  /** `uniform(low, high)`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.randomSample();
  }

  /** `randint(low, high)` for ranges below 2^32: masked rejection sampling, as the legacy path does. */
  randint(low: number, high: number): number {
    const range = high - 1 - low;
    if (!(range >= 0) || range > 0xffffffff) throw new RangeError(`randint range [${low}, ${high}) is empty or wider than 2^32`);
    if (range === 0) return low;
    if (range === 0xffffffff) return low + this.mt.nextUint32();
    const mask = maskCovering(range);
    let value: number;
    do value = (this.mt.nextUint32() & mask) >>> 0;
    while (value > range);
    return low + value;
  }

  /** An integer in [0, max] by masked rejection (NumPy's random_interval, used by shuffle). */
  private interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError('arrays longer than 2^32 are not supported');
    const mask = maskCovering(max);
    let value: number;
    do value = (this.mt.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `shuffle(a)` of a 1-D array, in place: Fisher–Yates from the end. */
  shuffle<T>(a: T[] | Int32Array | Float64Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** `permutation(n)`: a shuffled arange(n). */
  permutation(n: number): Int32Array {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    this.shuffle(order);
    return order;
  }
}

/** The smallest 2^k − 1 that is ≥ value (value < 2^32). */
function maskCovering(value: number): number {
  let mask = value;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
