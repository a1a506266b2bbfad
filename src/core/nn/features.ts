// TensorFlow Playground's input features (X₁, X₂, X₁², X₂², X₁X₂, sin X₁, sin X₂), named after
// the 2-D data's own features x0 and x1: what the network sees of a point (x0, x1).
// The default is the point itself; picking x0² and x1² lets logistic regression draw a circle,
// sin(x0) a wave. One entry each, read by the schema (the names), the engine (the model's input
// columns, the boundary grid's inputs) and the saved model (predictions derive their inputs the
// same way). Adding an input feature is adding an entry here.

export interface InputFeatureDef {
  of(x0: number, x1: number): number;
}

export const INPUT_FEATURES = {
  x0: { of: (x0) => x0 },
  x1: { of: (_x0, x1) => x1 },
  'x0^2': { of: (x0) => x0 * x0 },
  'x1^2': { of: (_x0, x1) => x1 * x1 },
  'x0*x1': { of: (x0, x1) => x0 * x1 },
  'sin(x0)': { of: (x0) => Math.sin(x0) },
  'sin(x1)': { of: (_x0, x1) => Math.sin(x1) },
} satisfies Record<string, InputFeatureDef>;

export type InputFeature = keyof typeof INPUT_FEATURES;
export const INPUT_FEATURE_NAMES = Object.keys(INPUT_FEATURES) as [InputFeature, ...InputFeature[]];

/**
 * Rows of 2-D points (n × 2, row-major) as the model's inputs (n × features.length). The values
 * are float32, like every table the kernels read.
 */
export function crossInputs(x: ArrayLike<number>, n: number, features: readonly InputFeature[]): Float32Array {
  const defs: InputFeatureDef[] = features.map((f) => INPUT_FEATURES[f]);
  const k = defs.length;
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    const x0 = x[2 * r];
    const x1 = x[2 * r + 1];
    for (let j = 0; j < k; j++) out[r * k + j] = defs[j].of(x0, x1);
  }
  return out;
}
