// AssemblyScript source of the wide-layer kernel (compiled by esbuild.mjs into dist/wide-kernels.wasm).
// All matrices are float32, row-major, addressed in bytes; the caller (src/core/engine/wide-*.ts)
// owns the memory layout. 128-bit SIMD; `madd` is plain mul+add unless the relaxed build fuses it.

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return RELAXED ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c);
}

/**
 * C[m×n] (+)= A·B with A(i,p) at a + 4·(i·sai + p·sap) (so A or Aᵀ), B [k×n] and C [m×n] row-major.
 * accumulate = 0: C = A·B; 1: C += A·B. Tiles of 4 rows × 8 columns keep 8 sums in registers.
 */
export function gemm(a: usize, sai: i32, sap: i32, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: i32): void {
  const n8 = n & ~7;
  const n4 = n & ~3;
  const ldb = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + (<usize>(i * sai) << 2);
    const a1 = a0 + (<usize>sai << 2);
    const a2 = a1 + (<usize>sai << 2);
    const a3 = a2 + (<usize>sai << 2);
    const c0 = c + (<usize>(i * n) << 2);
    const c1 = c0 + ldb;
    const c2 = c1 + ldb;
    const c3 = c2 + ldb;
    const step = <usize>sap << 2;
    let j = 0;
    for (; j < n8; j += 8) {
      const jo = <usize>j << 2;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let pa: usize = 0;
      let pb = b + jo;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = f32x4.splat(load<f32>(a0 + pa));
        s00 = madd(x0, b0, s00); s01 = madd(x0, b1, s01);
        const x1 = f32x4.splat(load<f32>(a1 + pa));
        s10 = madd(x1, b0, s10); s11 = madd(x1, b1, s11);
        const x2 = f32x4.splat(load<f32>(a2 + pa));
        s20 = madd(x2, b0, s20); s21 = madd(x2, b1, s21);
        const x3 = f32x4.splat(load<f32>(a3 + pa));
        s30 = madd(x3, b0, s30); s31 = madd(x3, b1, s31);
        pa += step;
        pb += ldb;
      }
      if (accumulate) {
        s00 = f32x4.add(v128.load(c0 + jo), s00); s01 = f32x4.add(v128.load(c0 + jo, 16), s01);
        s10 = f32x4.add(v128.load(c1 + jo), s10); s11 = f32x4.add(v128.load(c1 + jo, 16), s11);
        s20 = f32x4.add(v128.load(c2 + jo), s20); s21 = f32x4.add(v128.load(c2 + jo, 16), s21);
        s30 = f32x4.add(v128.load(c3 + jo), s30); s31 = f32x4.add(v128.load(c3 + jo, 16), s31);
      }
      v128.store(c0 + jo, s00); v128.store(c0 + jo, s01, 16);
      v128.store(c1 + jo, s10); v128.store(c1 + jo, s11, 16);
      v128.store(c2 + jo, s20); v128.store(c2 + jo, s21, 16);
      v128.store(c3 + jo, s30); v128.store(c3 + jo, s31, 16);
    }
    for (; j < n4; j += 4) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let pa: usize = 0;
      let pb = b + jo;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        s0 = madd(f32x4.splat(load<f32>(a0 + pa)), b0, s0);
        s1 = madd(f32x4.splat(load<f32>(a1 + pa)), b0, s1);
        s2 = madd(f32x4.splat(load<f32>(a2 + pa)), b0, s2);
        s3 = madd(f32x4.splat(load<f32>(a3 + pa)), b0, s3);
        pa += step;
        pb += ldb;
      }
      if (accumulate) {
        s0 = f32x4.add(v128.load(c0 + jo), s0); s1 = f32x4.add(v128.load(c1 + jo), s1);
        s2 = f32x4.add(v128.load(c2 + jo), s2); s3 = f32x4.add(v128.load(c3 + jo), s3);
      }
      v128.store(c0 + jo, s0); v128.store(c1 + jo, s1); v128.store(c2 + jo, s2); v128.store(c3 + jo, s3);
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) scalarCell(a, sai, sap, b, c, i + r, j, k, n, accumulate);
    }
  }
  // Leftover rows one at a time, still 8 or 4 columns per vector pass (the first layer's weight
  // gradient has as many rows as the data has features: 2).
  const step = <usize>sap << 2;
  for (; i < m; i++) {
    const a0 = a + (<usize>(i * sai) << 2);
    const c0 = c + (<usize>(i * n) << 2);
    let j = 0;
    for (; j < n8; j += 8) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let pa: usize = 0;
      let pb = b + jo;
      for (let p = 0; p < k; p++) {
        const x = f32x4.splat(load<f32>(a0 + pa));
        s0 = madd(x, v128.load(pb), s0);
        s1 = madd(x, v128.load(pb, 16), s1);
        pa += step;
        pb += ldb;
      }
      if (accumulate) {
        s0 = f32x4.add(v128.load(c0 + jo), s0);
        s1 = f32x4.add(v128.load(c0 + jo, 16), s1);
      }
      v128.store(c0 + jo, s0);
      v128.store(c0 + jo, s1, 16);
    }
    for (; j < n4; j += 4) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0);
      let pa: usize = 0;
      let pb = b + jo;
      for (let p = 0; p < k; p++) {
        s0 = madd(f32x4.splat(load<f32>(a0 + pa)), v128.load(pb), s0);
        pa += step;
        pb += ldb;
      }
      if (accumulate) s0 = f32x4.add(v128.load(c0 + jo), s0);
      v128.store(c0 + jo, s0);
    }
    for (; j < n; j++) scalarCell(a, sai, sap, b, c, i, j, k, n, accumulate);
  }
}

/**
 * C[m×n] = A·Bᵀ with A [m×k] and B [n×k] row-major: dot products along k, for products with few
 * output columns (a layer of 1–3 logits), where gemm's column tiles would not fill.
 */
export function gemmNT(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const k4 = k & ~3;
  for (let i = 0; i < m; i++) {
    const ai = a + (<usize>(i * k) << 2);
    for (let j = 0; j < n; j++) {
      const bj = b + (<usize>(j * k) << 2);
      let s0 = f32x4.splat(0);
      let p = 0;
      for (; p < k4; p += 4) s0 = madd(v128.load(ai + (<usize>p << 2)), v128.load(bj + (<usize>p << 2)), s0);
      let s = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
      for (; p < k; p++) s += load<f32>(ai + (<usize>p << 2)) * load<f32>(bj + (<usize>p << 2));
      store<f32>(c + (<usize>(i * n + j) << 2), s);
    }
  }
}

// @ts-ignore: decorator
@inline function scalarCell(a: usize, sai: i32, sap: i32, b: usize, c: usize, i: i32, j: i32, k: i32, n: i32, accumulate: i32): void {
  let s: f32 = 0;
  for (let p = 0; p < k; p++) s += load<f32>(a + (<usize>(i * sai + p * sap) << 2)) * load<f32>(b + (<usize>(p * n + j) << 2));
  const at = c + (<usize>(i * n + j) << 2);
  store<f32>(at, accumulate ? load<f32>(at) + s : s);
}

/** dst [cols×rows] = srcᵀ, src [rows×cols]: 4×4 blocks through registers, then the edges. */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  const lds = <usize>cols << 2;
  const ldd = <usize>rows << 2;
  for (let r = 0; r < r4; r += 4) {
    for (let c = 0; c < c4; c += 4) {
      const s = src + (<usize>(r * cols + c) << 2);
      const x0 = v128.load(s), x1 = v128.load(s + lds), x2 = v128.load(s + 2 * lds), x3 = v128.load(s + 3 * lds);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const d = dst + (<usize>(c * rows + r) << 2);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d + ldd, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * ldd, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * ldd, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (let c = c4; c < cols; c++) {
      for (let q = r; q < r + 4; q++) store<f32>(dst + (<usize>(c * rows + q) << 2), load<f32>(src + (<usize>(q * cols + c) << 2)));
    }
  }
  for (let r = r4; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
  }
}

/**
 * Bias and ReLU in one pass over z [rows×cols]: z += b (per column), a = max(z, 0), and when
 * `deriv` is not 0 the derivative (1 where z > 0, else 0, as tfjs and PyTorch).
 */
export function biasRelu(z: usize, a: usize, deriv: usize, b: usize, rows: i32, cols: i32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let c = 0;
    for (; c < c4; c += 4) {
      const at = o + (<usize>c << 2);
      const v = f32x4.add(v128.load(z + at), v128.load(b + (<usize>c << 2)));
      v128.store(z + at, v);
      v128.store(a + at, f32x4.max(v, zero));
      if (deriv) v128.store(deriv + at, v128.and(f32x4.gt(v, zero), one));
    }
    for (; c < cols; c++) {
      const at = o + (<usize>c << 2);
      const v = load<f32>(z + at) + load<f32>(b + (<usize>c << 2));
      store<f32>(z + at, v);
      store<f32>(a + at, v > 0 ? v : 0);
      if (deriv) store<f32>(deriv + at, v > 0 ? 1 : 0);
    }
  }
}

/** z += b per column, z [rows×cols]. */
export function addBias(z: usize, b: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = z + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(o + (<usize>c << 2)) + load<f32>(b + (<usize>c << 2)));
  }
}

/** x *= y element-wise over n values. */
export function multiply(x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = <usize>i << 2;
    v128.store(x + at, f32x4.mul(v128.load(x + at), v128.load(y + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(x + at, load<f32>(x + at) * load<f32>(y + at));
  }
}

/** out[c] = Σ_r x[r][c] over x [rows×cols], summed in row order (the bias gradient). */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), 0);
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const o = x + (<usize>(r * cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const at = <usize>c << 2;
      v128.store(out + at, f32x4.add(v128.load(out + at), v128.load(o + at)));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      store<f32>(out + at, load<f32>(out + at) + load<f32>(o + at));
    }
  }
}

/**
 * One Adam/AdamW step over n parameters (torch.optim's rule, as optimizers.ts), in float32 like
 * the tfjs variables: p -= stepSize · m / (√v / √(1−β₂ᵗ) + ε).
 */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: i32, stepSize: f32, bc2Sqrt: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const e = f32x4.splat(eps), s = f32x4.splat(stepSize), bc = f32x4.splat(bc2Sqrt);
  const wd = f32x4.splat(weightDecay), shrink = f32x4.splat(1 - lr * weightDecay);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = <usize>i << 2;
    let gi = v128.load(g + at);
    let pi = v128.load(p + at);
    if (weightDecay != 0) {
      if (decoupled) pi = f32x4.mul(pi, shrink);
      else gi = f32x4.add(gi, f32x4.mul(wd, pi));
    }
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + at)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + at)), f32x4.mul(f32x4.mul(c2, gi), gi));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    v128.store(p + at, f32x4.sub(pi, f32x4.mul(f32x4.div(mi, f32x4.add(f32x4.div(f32x4.sqrt(vi), bc), e)), s)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let gi = load<f32>(g + at);
    let pi = load<f32>(p + at);
    if (weightDecay != 0) {
      if (decoupled) pi = pi * (1 - lr * weightDecay);
      else gi += weightDecay * pi;
    }
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * gi * gi;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(p + at, pi - (mi / (Mathf.sqrt(vi) / bc2Sqrt + eps)) * stepSize);
  }
}

/** One SGD step (torch.optim.SGD: weight decay, momentum with dampening 0, Nesterov), float32. */
export function sgd(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, nesterov: i32, weightDecay: f32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const pi = load<f32>(p + at);
    let gi = load<f32>(g + at);
    if (weightDecay != 0) gi += weightDecay * pi;
    if (buf) {
      const b = momentum * load<f32>(buf + at) + gi;
      store<f32>(buf + at, b);
      gi = nesterov ? gi + momentum * b : b;
    }
    store<f32>(p + at, pi - lr * gi);
  }
}

/** Running per-column extremes of x [rows×cols]: hi = max(hi, x), lo = min(lo, x). */
export function extremes(x: usize, hi: usize, lo: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const o = x + (<usize>(r * cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const at = <usize>c << 2;
      const v = v128.load(o + at);
      v128.store(hi + at, f32x4.max(v128.load(hi + at), v));
      v128.store(lo + at, f32x4.min(v128.load(lo + at), v));
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      const v = load<f32>(o + at);
      if (v > load<f32>(hi + at)) store<f32>(hi + at, v);
      if (v < load<f32>(lo + at)) store<f32>(lo + at, v);
    }
  }
}

/**
 * The on/off pattern (x > 0) of each row of x [rows×cols], packed 32 units to a u32 word: row r's
 * words start at out + 4·(r·stride + word), unit c in bit c mod 32 of word ⌊c/32⌋.
 */
export function signBits(x: usize, rows: i32, cols: i32, out: usize, stride: i32, word: i32): void {
  const zero = f32x4.splat(0);
  const c32 = cols & ~31;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    let o = out + (<usize>(r * stride + word) << 2);
    let c = 0;
    for (; c < c32; c += 32) {
      let w: u32 = 0;
      for (let q = 0; q < 8; q++) w |= <u32>i32x4.bitmask(f32x4.gt(v128.load(xr + (<usize>(c + 4 * q) << 2)), zero)) << (4 * q);
      store<u32>(o, w);
      o += 4;
    }
    if (c < cols) {
      let w: u32 = 0;
      for (let q = 0; c + q < cols; q++) if (load<f32>(xr + (<usize>(c + q) << 2)) > 0) w |= 1 << q;
      store<u32>(o, w);
    }
  }
}
