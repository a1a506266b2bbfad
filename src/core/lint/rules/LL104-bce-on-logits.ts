import type { Rule } from '../rule';
import { renameLossEdits } from '../fix';
import { lossInputs, soleUse } from './shared';

export const bceOnLogits: Rule = {
  code: 'LL104',
  slug: 'bce-on-logits',
  name: 'BCELoss on logits',
  severity: 'error',
  fixable: true,
  summary: 'BCELoss expects probabilities in [0, 1], but it gets raw logits.',
  docs: `## What it does
Flags \`nn.BCELoss\` / \`F.binary_cross_entropy\` whose input is a model output with no sigmoid anywhere
on its path (the model ends with a Linear layer).

## Why is this bad
\`BCELoss(p, y) = −[y log p + (1 − y) log(1 − p)]\` is only defined for \`p\` in [0, 1]. Raw scores are
anywhere in (−∞, ∞): PyTorch raises "all elements of input should be between 0 and 1" on the CUDA
path, or the loss becomes NaN/inf when a logit leaves (0, 1).

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loss = nn.BCELoss()(model(x), y)
\`\`\`

## Use instead
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loss = nn.BCEWithLogitsLoss()(model(x), y)
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['BCELoss'])) {
      if (fact.kind !== 'logits') continue;
      const edits = renameLossEdits(ctx, call.definition, 'BCELoss', 'BCEWithLogitsLoss', call.functional);
      ctx.report({
        node: call.input!,
        message: `BCELoss expects probabilities, but this is a raw ${fact.model ? `${fact.model} ` : ''}output (logits): use BCEWithLogitsLoss.`,
        fix: edits && { title: 'Switch to BCEWithLogitsLoss', edits, safe: soleUse(ctx, call) },
      });
    }
  },
};
