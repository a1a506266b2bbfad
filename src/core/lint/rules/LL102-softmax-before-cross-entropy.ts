import type { Rule } from '../rule';
import { removeActivationEdits } from '../fix';
import { describeOrigin, lossInputs } from './shared';

export const softmaxBeforeCrossEntropy: Rule = {
  code: 'LL102',
  slug: 'softmax-before-cross-entropy',
  name: 'Softmax before CrossEntropyLoss',
  severity: 'error',
  fixable: true,
  summary: 'CrossEntropyLoss applies log-softmax itself: passing it softmax probabilities squashes them twice.',
  docs: `## What it does
Flags softmax output (\`F.softmax\`, \`torch.softmax\`, \`x.softmax()\`, \`nn.Softmax\`) that reaches
\`nn.CrossEntropyLoss\` or \`F.cross_entropy\`.

## Why is this bad
\`CrossEntropyLoss(z, y) = −log softmax(z)[y]\` expects logits. Given \`p = softmax(z)\`, it computes
\`−log softmax(p)[y]\`; since every \`p_k\` is in [0, 1], \`softmax(p)\` is close to uniform (at most
e/(e + K − 1)). The loss barely moves, its gradient \`softmax(p) − onehot(y)\` is multiplied by the
softmax Jacobian, and learning is slow and under-confident.

## Example
\`\`\`python
loss = F.cross_entropy(F.softmax(model(x), dim=1), y)
\`\`\`

## Use instead
\`\`\`python
loss = F.cross_entropy(model(x), y)
\`\`\`
`,
  check(ctx) {
    for (const { call, fact } of lossInputs(ctx, ['CrossEntropyLoss'])) {
      if (fact.kind !== 'softmax') continue;
      const edits = removeActivationEdits(ctx, fact);
      ctx.report({
        node: call.input!,
        message: `${describeOrigin(ctx, fact, 'softmax')} reaches CrossEntropyLoss, which applies log-softmax itself: pass the logits.`,
        fix: edits && { title: 'Remove the softmax (pass logits)', edits, safe: fact.via === 'inline' },
      });
    }
  },
};
