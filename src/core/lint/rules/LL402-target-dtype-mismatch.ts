import type { Rule } from '../rule';
import { targetFact } from '../torch/data';
import { shapes } from '../torch/shapes';

/** Losses that want class indices (int64) as targets. */
const INDEX_LOSSES = new Set(['CrossEntropyLoss', 'NLLLoss']);
/** Losses that want float targets of the input's shape. */
const FLOAT_LOSSES = new Set(['BCEWithLogitsLoss', 'BCELoss']);

export const targetDtypeMismatch: Rule = {
  code: 'LL402',
  slug: 'target-dtype-mismatch',
  name: 'Target dtype does not fit the loss',
  severity: 'error',
  fixable: false,
  summary: 'CrossEntropyLoss wants class indices (int64), BCEWithLogitsLoss wants float targets: this target has the other kind.',
  docs: `## What it does
Flags a target of the wrong kind for its loss:
- \`nn.CrossEntropyLoss\` / \`F.cross_entropy\` (and \`NLLLoss\`) given float targets (\`y.float()\`,
  \`torch.tensor(y, dtype=torch.float32)\`, \`torch.FloatTensor(y)\`) or one-hot targets (\`F.one_hot(y)\`);
- \`nn.BCEWithLogitsLoss\` / \`F.binary_cross_entropy_with_logits\` (and \`BCELoss\`) given integer targets
  (\`y.long()\`, \`dtype=torch.long\`/\`torch.int64\`, \`torch.LongTensor(y)\`, \`torch.randint(...)\`).

## Why is this bad
The two families read their targets differently. \`CrossEntropyLoss(logits, y)\` with logits of shape
\`(N, C)\` reads \`y\` as **class indices**: an int64 tensor of shape \`(N,)\` with values in
\`0..C-1\`. Given a float \`(N,)\` tensor it stops with "expected scalar type Long but found Float";
given \`F.one_hot(y)\` (int64, shape \`(N, C)\`) it fails on the shape. The only float targets it
accepts are per-class *probabilities* of shape \`(N, C)\` — a different meaning, not a different dtype.

\`BCEWithLogitsLoss(z, y)\` computes \`−[y·log σ(z) + (1−y)·log(1−σ(z))]\` element-wise, so \`y\` is a
float probability with the same shape as \`z\`; an int64 target stops with "result type Float can't
be cast to the desired output type Long". Either way the script crashes at the first batch, often
after minutes of data loading, and the usual "fix" — casting until the error goes away — tends to
produce the wrong loss (e.g. one-hot float targets for a binary problem with a single logit).

## Example
\`\`\`python
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y.float())

bce = nn.BCEWithLogitsLoss()
loss = bce(model(x).squeeze(1), y.long())
\`\`\`

## Use instead
\`\`\`python
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y.long())        # class indices, shape (N,)

bce = nn.BCEWithLogitsLoss()
loss = bce(model(x).squeeze(1), y.float())  # 0./1. floats, same shape as the logits
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    for (const call of sem.lossCalls()) {
      if (!call.target) continue;
      const wantsIndices = INDEX_LOSSES.has(call.loss);
      if (!wantsIndices && !FLOAT_LOSSES.has(call.loss)) continue;
      const fact = targetFact(sem, call.target);
      const where = fact.origin && fact.origin.startIndex < call.call.startIndex && ctx.lineOf(fact.origin) !== ctx.lineOf(call.call) ? ` (line ${ctx.lineOf(fact.origin)})` : '';
      if (wantsIndices && fact.kind === 'float') {
        const shape = shapes(sem).of(call.target);
        if (shape && shape.rank >= 2) continue; // (N, C) float targets are class probabilities: valid
        ctx.report({ node: call.target, message: `${call.loss} reads its target as class indices (int64, shape (N,)), but ${ctx.source(call.target)} is a float tensor${where}: pass class indices, ${ctx.source(call.target)}.long().` });
      } else if (wantsIndices && fact.kind === 'oneHot') {
        ctx.report({ node: call.target, message: `${call.loss} reads its target as class indices, but ${ctx.source(call.target)} is one-hot encoded${where}: pass the class indices (y, or onehot.argmax(dim=1)).` });
      } else if (!wantsIndices && fact.kind === 'integer') {
        ctx.report({ node: call.target, message: `${call.loss} needs float targets (0./1. probabilities of the input's shape), but ${ctx.source(call.target)} is an integer tensor${where}: pass ${ctx.source(call.target)}.float().` });
      }
    }
  },
};
