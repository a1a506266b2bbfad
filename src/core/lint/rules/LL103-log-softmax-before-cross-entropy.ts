import type { Rule } from '../rule';
import { renameLossEdits } from '../fix';
import { describeOrigin, lossInputs, soleUse } from './shared';
import { callArgs } from '../semantic/syntax';

export const logSoftmaxBeforeCrossEntropy: Rule = {
  code: 'LL103',
  slug: 'log-softmax-before-cross-entropy',
  name: 'log_softmax before CrossEntropyLoss',
  severity: 'warning',
  fixable: true,
  summary: 'CrossEntropyLoss = log_softmax + NLLLoss: after log_softmax use NLLLoss.',
  docs: `## What it does
Flags \`log_softmax\` output (\`F.log_softmax\`, \`nn.LogSoftmax\`, \`x.log_softmax()\`) that reaches
\`nn.CrossEntropyLoss\` / \`F.cross_entropy\`.

## Why is this bad
\`CrossEntropyLoss\` is \`NLLLoss(log_softmax(z))\`. Applying it to \`log_softmax(z)\` runs log-softmax
twice. Because log-softmax is idempotent up to a constant shift (\`log_softmax(log_softmax(z)) =
log_softmax(z)\`), the numbers happen to come out right — but the code says something it does not
mean, costs an extra pass, and breaks as soon as someone swaps in a loss that is not shift-invariant.

## Example
\`\`\`python
criterion = nn.CrossEntropyLoss()
loss = criterion(F.log_softmax(model(x), dim=1), y)
\`\`\`

## Use instead
\`\`\`python
criterion = nn.NLLLoss()
loss = criterion(F.log_softmax(model(x), dim=1), y)
# or: nn.CrossEntropyLoss() on the raw logits
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['CrossEntropyLoss'])) {
      if (fact.kind !== 'logSoftmax') continue;
      const edits = renameLossEdits(ctx, call.definition, 'CrossEntropyLoss', 'NLLLoss', call.functional);
      // NLLLoss has no label_smoothing; keep the fix manual then.
      const ctor = call.functional ? call.call : call.definition;
      const smoothing = ctor.type === 'call' && callArgs(ctor).keywords.has('label_smoothing');
      ctx.report({
        node: call.input!,
        message: `${describeOrigin(ctx, fact, 'log_softmax')} reaches CrossEntropyLoss, which applies log-softmax again: use NLLLoss.`,
        fix: edits && !smoothing ? { title: 'Switch to NLLLoss', edits, safe: soleUse(ctx, call) } : undefined,
      });
    }
  },
};
