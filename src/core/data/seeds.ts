// Data and split randomness come from the DATA seed (spec.seed), not the run seed, so every run of a
// seed study trains on identical points. They are separate streams, so changing the split fractions
// does not move the points.
import { Rng, seedStreams } from '../rng';

export const dataRng = (seed: number): Rng => seedStreams(seed).data;
export const splitRng = (seed: number): Rng => seedStreams(seed).split;
