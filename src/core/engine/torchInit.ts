// PyTorch's default initialisation of nn.Linear layers created in order after torch.manual_seed:
// for each layer, weight ← kaiming_uniform_(a=√5) (drawn in PyTorch's [out, in] order), then
// bias ← U(±1/√fan_in). With the lesson's seed this gives the lesson's very first network.
import { TorchCpuGenerator } from '../random/torchGenerator';
import type { LayerWeights } from './shapes';

/** torch.nn.init.kaiming_uniform_'s bound with a = √5, leaky_relu gain, fan_in mode (Python's float arithmetic). */
function kaimingUniformBound(fanIn: number): number {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  const std = gain / Math.sqrt(fanIn);
  return Math.sqrt(3) * std;
}

export function torchLinearWeights(sizes: number[], seed: number): LayerWeights[] {
  const generator = new TorchCpuGenerator(seed);
  const layers: LayerWeights[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const inDim = sizes[l - 1];
    const outDim = sizes[l];
    const torchOrder = new Float32Array(outDim * inDim);
    const weightBound = kaimingUniformBound(inDim);
    generator.uniformFloat32(torchOrder, -weightBound, weightBound);
    const b = new Float32Array(outDim);
    const biasBound = 1 / Math.sqrt(inDim);
    generator.uniformFloat32(b, -biasBound, biasBound);
    // Logit Lab computes y = xW + b with W stored [in, out]: the transpose of nn.Linear's weight.
    const W = new Float32Array(inDim * outDim);
    for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) W[i * outDim + o] = torchOrder[o * inDim + i];
    layers.push({ W, b, inDim, outDim });
  }
  return layers;
}
