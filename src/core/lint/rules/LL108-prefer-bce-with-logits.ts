import type { Rule } from '../rule';
import { removeActivationEdits, renameLossEdits } from '../fix';
import { describeOrigin, lossInputs, soleUse } from './shared';

export const preferBceWithLogits: Rule = {
  code: 'LL108',
  slug: 'prefer-bce-with-logits',
  name: 'Prefer BCEWithLogitsLoss to sigmoid + BCELoss',
  severity: 'info',
  fixable: true,
  summary: 'sigmoid + BCELoss is correct but unstable: BCEWithLogitsLoss on logits is the stable form.',
  docs: `## What it does
Flags a sigmoid whose output goes into \`nn.BCELoss\` / \`F.binary_cross_entropy\`.

## Why is this bad
It is mathematically right, but numerically fragile: once \`σ(z)\` rounds to 0 or 1 in float32,
\`BCELoss\` has to clamp \`log\` at −100, the gradient is cut off, and half-precision (AMP) refuses it
outright. \`BCEWithLogitsLoss\` fuses both into \`max(z, 0) − z·y + log(1 + e^(−|z|))\`, exact for every
\`z\`, with gradient \`σ(z) − y\`.

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
loss = nn.BCELoss()(model(x), y)
\`\`\`

## Use instead
\`\`\`python
model = nn.Sequential(nn.Linear(2, 1))
loss = nn.BCEWithLogitsLoss()(model(x), y)
probs = torch.sigmoid(model(x))  # for predictions
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['BCELoss'])) {
      if (fact.kind !== 'sigmoid') continue;
      const rename = renameLossEdits(ctx, call.definition, 'BCELoss', 'BCEWithLogitsLoss', call.functional);
      const drop = removeActivationEdits(ctx, fact);
      ctx.report({
        node: call.input!,
        message: `${describeOrigin(ctx, fact, 'sigmoid')} followed by BCELoss: BCEWithLogitsLoss on the logits is the numerically stable form.`,
        fix: rename && drop ? { title: 'Switch to BCEWithLogitsLoss and drop the sigmoid', edits: [...rename, ...drop], safe: fact.via === 'inline' && soleUse(ctx, call) } : undefined,
      });
    }
  },
};
