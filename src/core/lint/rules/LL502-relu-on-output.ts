import type { Rule } from '../rule';
import { describeOrigin, lossInputs } from './shared';

export const reluOnOutput: Rule = {
  code: 'LL502',
  slug: 'relu-on-output',
  name: 'ReLU on the output layer',
  severity: 'warning',
  fixable: false,
  summary: 'The output goes through a ReLU before a classification loss: logits can never be negative.',
  docs: `## What it does
Flags a ReLU (or other non-negative activation: ReLU6, Softplus) as the last operation before a
classification loss (\`BCEWithLogitsLoss\`, \`CrossEntropyLoss\`, \`BCELoss\`, \`NLLLoss\`).

## Why is this bad
Logits must be free to go negative: for a binary classifier \`z < 0\` is how it says "class 0". After
a ReLU every logit is ≥ 0, so \`σ(z) ≥ 0.5\` for every input, and any unit whose pre-activation is
negative passes no gradient at all (a "dead" output). The model cannot express confident negatives.

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU())
loss = nn.BCEWithLogitsLoss()(model(x), y)
\`\`\`

## Use instead
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loss = nn.BCEWithLogitsLoss()(model(x), y)
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['BCEWithLogitsLoss', 'CrossEntropyLoss', 'BCELoss', 'NLLLoss', 'MultiLabelSoftMarginLoss'])) {
      if (fact.kind !== 'relu') continue;
      ctx.report({ node: call.input!, message: `${describeOrigin(ctx, fact, 'ReLU')} feeds ${call.loss}: outputs can never be negative. Remove the final activation.` });
    }
  },
};
