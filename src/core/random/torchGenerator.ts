// PyTorch's default CPU generator after `torch.manual_seed(seed)`: MT19937 seeded with the seed,
// and `Tensor.uniform_(from, to)` for float32 tensors as ATen computes it — 24 random bits of one
// 32-bit draw scaled to [0, 1), then `x * (to − from) + from` in double with from/to first rounded
// to float32, the result rounded to float32. Checked against PyTorch 1.13 (Debian's python3-torch).
import { Mt19937 } from './mt19937';

const FLOAT_DIGITS = 24;
const FLOAT_MASK = (1 << FLOAT_DIGITS) - 1;
const FLOAT_SCALE = 1 / (1 << FLOAT_DIGITS);

export class TorchCpuGenerator {
  private readonly mt: Mt19937;

  constructor(seed: number) {
    this.mt = new Mt19937(seed);
  }

  /** Fills `out` (in memory order) as `tensor.uniform_(from, to)` does for a float32 tensor. */
  uniformFloat32(out: Float32Array, from: number, to: number): void {
    const lo = Math.fround(from);
    const hi = Math.fround(to);
    for (let i = 0; i < out.length; i++) {
      const x = (this.mt.nextUint32() & FLOAT_MASK) * FLOAT_SCALE;
      out[i] = x * (hi - lo) + lo;
    }
  }
}
