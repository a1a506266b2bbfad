// A generated table's size is samples × features: each within its own bound can still ask for
// gigabytes (1M × 256), which would end in an out-of-memory abort instead of a located error.
import { LogitLabError } from '../errors';
import { MAX_GENERATED_VALUES } from '../limits';

export function refuseHugeTable(samples: number, features: number): void {
  const values = samples * features;
  if (values > MAX_GENERATED_VALUES) {
    throw new LogitLabError(`data.samples × data.features is ${samples.toLocaleString('en-US')} × ${features} = ${values.toLocaleString('en-US')} values, more than the limit of ${MAX_GENERATED_VALUES.toLocaleString('en-US')}`, {
      jsonPath: ['data', 'samples'],
      hint: `lower data.samples to at most ${Math.floor(MAX_GENERATED_VALUES / features).toLocaleString('en-US')}, or use fewer features (README: Limits).`,
    });
  }
}
