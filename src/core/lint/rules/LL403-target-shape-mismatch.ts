import type { Rule } from '../rule';
import { shapes, type Shape } from '../torch/shapes';

/** Losses compared element by element: input and target must have the same shape. */
const ELEMENTWISE = new Set(['BCEWithLogitsLoss', 'BCELoss', 'MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss']);
const RAISES = new Set(['BCEWithLogitsLoss', 'BCELoss']);

const describe = (s: Shape) => (s.rank === 1 ? '(N,)' : `(N, ${s.last})`);

export const targetShapeMismatch: Rule = {
  code: 'LL403',
  slug: 'target-shape-mismatch',
  name: 'Output (N, 1) against targets (N,)',
  severity: 'warning',
  fixable: false,
  summary: 'An (N, 1) output against (N,) targets (or the reverse) in an element-wise loss: MSE/L1 broadcast to (N, N), BCE refuses.',
  docs: `## What it does
Flags an element-wise loss (\`BCEWithLogitsLoss\`, \`BCELoss\`, \`MSELoss\`, \`L1Loss\`, \`SmoothL1Loss\`,
\`HuberLoss\`) whose input has shape \`(N, 1)\` — a model ending in \`nn.Linear(_, 1)\` — while the target
has shape \`(N,)\`, or the reverse. It stays silent when either shape is not known from the file.

## Why is this bad
Element-wise losses pair \`input[i]\` with \`target[i]\`. With shapes \`(N, 1)\` and \`(N,)\`, PyTorch's
broadcasting pairs *every* output with *every* target: the difference is an \`(N, N)\` matrix, and
\`MSELoss\`/\`L1Loss\` average all N² pairs. The loss is then minimised by predicting the mean target
for every example, so a regression or 0/1 classifier trains to a constant, with only a
\`UserWarning\` about "different sizes". \`BCEWithLogitsLoss\`/\`BCELoss\` refuse instead ("Target size
must be the same as input size"), which stops the run at the first batch.

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))  # output (N, 1)
y = torch.tensor(y, dtype=torch.float32)                              # (N,)
loss = nn.MSELoss()(model(X), y)
\`\`\`

## Use instead
\`\`\`python
loss = nn.MSELoss()(model(X).squeeze(1), y)   # both (N,)
# or
loss = nn.MSELoss()(model(X), y.unsqueeze(1))  # both (N, 1)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const shape = shapes(sem);
    for (const call of sem.lossCalls()) {
      if (!ELEMENTWISE.has(call.loss) || !call.input || !call.target) continue;
      const out = shape.of(call.input);
      if (!out || !(out.rank === 1 || (out.rank === 2 && out.last === 1))) continue;
      const target = shape.of(call.target);
      if (!target || !(target.rank === 1 || (target.rank === 2 && target.last === 1)) || target.rank === out.rank) continue;
      const effect = RAISES.has(call.loss) ? 'raises "Target size must be the same as input size"' : 'broadcasts to (N, N) and averages every output against every target';
      const fix =
        out.rank === 2
          ? `${ctx.source(call.input)}.squeeze(1) (or ${ctx.source(call.target)}.unsqueeze(1))`
          : `${ctx.source(call.input)}.unsqueeze(1) (or ${ctx.source(call.target)}.squeeze(1))`;
      ctx.report({ node: call.call, message: `${call.loss} gets an output of shape ${describe(out)} and a target of shape ${describe(target)}: it ${effect}. Give both the same shape: ${fix}.` });
    }
  },
};
