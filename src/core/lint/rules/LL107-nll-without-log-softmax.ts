import type { Rule } from '../rule';
import { describeOrigin, lossInputs } from './shared';

export const nllWithoutLogSoftmax: Rule = {
  code: 'LL107',
  slug: 'nll-without-log-softmax',
  name: 'NLLLoss without log_softmax',
  severity: 'warning',
  fixable: false,
  summary: 'NLLLoss expects log-probabilities; it gets logits or probabilities.',
  docs: `## What it does
Flags \`nn.NLLLoss\` / \`F.nll_loss\` whose input is raw logits, or sigmoid/softmax probabilities,
instead of \`log_softmax\` output.

## Why is this bad
\`NLLLoss(a, y) = −a[y]\`: it only picks the entry of the true class and negates it; the "log" must
already be there. On logits the loss is unbounded below — the model lowers it by making one logit
huge, not by getting classes right. On probabilities it minimises \`−p[y]\`, a linear loss with tiny
gradients for confident mistakes.

## Example
\`\`\`python
loss = F.nll_loss(model(x), y)
\`\`\`

## Use instead
\`\`\`python
loss = F.nll_loss(F.log_softmax(model(x), dim=1), y)
# or simply: F.cross_entropy(model(x), y)
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['NLLLoss'])) {
      if (fact.kind === 'logits') {
        ctx.report({ node: call.input!, message: 'NLLLoss expects log-probabilities, but this is a raw model output: apply log_softmax, or use CrossEntropyLoss.' });
      } else if (fact.kind === 'softmax' || fact.kind === 'sigmoid') {
        ctx.report({ node: call.input!, message: `NLLLoss expects log-probabilities, but it gets ${describeOrigin(ctx, fact, fact.kind)} output: use log_softmax instead.` });
      }
    }
  },
};
