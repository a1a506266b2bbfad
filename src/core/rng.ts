// A small seeded random source shared by the data generators, splits, weight init, shuffling and
// dropout, so a seed fixes a run on every backend. mulberry32 is tiny, fast and well studied; we do
// not need cryptographic quality, only reproducibility.

export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    // Mix the seed so nearby seeds (0, 1, 2 …) start far apart.
    this.state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A new independent stream, e.g. one per purpose (data, init, shuffling, dropout). */
  fork(salt: number): Rng {
    return new Rng((Math.imul(this.state ^ salt, 0x27d4eb2d) + salt) >>> 0);
  }
}

/** Streams for each purpose derived from one run seed, so changing one use does not shift another. */
export function seedStreams(seed: number): { data: Rng; split: Rng; init: Rng; shuffle: Rng; dropout: Rng } {
  return {
    data: new Rng(seed * 7919 + 1),
    split: new Rng(seed * 7919 + 2),
    init: new Rng(seed * 7919 + 3),
    shuffle: new Rng(seed * 7919 + 4),
    dropout: new Rng(seed * 7919 + 5),
  };
}
