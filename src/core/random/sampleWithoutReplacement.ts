// scikit-learn's `sklearn.utils.random.sample_without_replacement(n_population, n_samples,
// method="auto", random_state)` over NumPy's legacy RandomState, written from its documented
// algorithm: a permutation when 1% < n_samples/n_population < 99%, else tracking selection (draw,
// redraw on a repeat) below 20%, else reservoir sampling. make_classification's hypercube draws
// its cluster vertices with it, so every draw here must match scikit-learn's order.
import type { NumpyRandomState } from './numpyRandomState';

export function sampleWithoutReplacement(population: number, count: number, rng: NumpyRandomState): number[] {
  if (!Number.isInteger(population) || !Number.isInteger(count) || population < 0 || count < 0 || count > population) {
    throw new RangeError(`cannot sample ${count} of ${population} without replacement`);
  }
  const ratio = population !== 0 ? count / population : 1;
  if (ratio > 0.01 && ratio < 0.99) return Array.from(rng.permutation(population).subarray(0, count));
  return ratio < 0.2 ? trackingSelection(population, count, rng) : reservoirSampling(population, count, rng);
}

/** Draw uniformly from the population, drawing again whenever the value was already taken. */
function trackingSelection(population: number, count: number, rng: NumpyRandomState): number[] {
  const taken = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let j = rng.randint(0, population);
    while (taken.has(j)) j = rng.randint(0, population);
    taken.add(j);
    out.push(j);
  }
  return out;
}

/** Start with 0..count-1; each later value i replaces a random slot when its draw lands inside. */
function reservoirSampling(population: number, count: number, rng: NumpyRandomState): number[] {
  const out = Array.from({ length: count }, (_, i) => i);
  for (let i = count; i < population; i++) {
    const j = rng.randint(0, i + 1);
    if (j < count) out[j] = i;
  }
  return out;
}
