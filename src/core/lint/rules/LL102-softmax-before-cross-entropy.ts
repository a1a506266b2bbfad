import type { Rule } from '../rule';
import type { LossCall, ValueFact } from '../semantic';
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
    // The diagnostic sits where the fix goes — the softmax — and links to every loss call it reaches
    // (relatedInformation); an activation in another file is reported at the loss input instead.
    const byOrigin = new Map<number, { fact: ValueFact; calls: LossCall[] }>();
    for (const { call, fact } of lossInputs(ctx, ['CrossEntropyLoss'])) {
      if (fact.kind !== 'softmax') continue;
      const origin = fact.origin && fact.origin.tree === ctx.root.tree ? fact.origin : undefined;
      if (!origin) {
        // In another file: reported here, linked to where the softmax is.
        const related = fact.elsewhere ? [{ path: fact.elsewhere.path, line: fact.elsewhere.line, message: `the softmax to remove` }] : undefined;
        ctx.report({ related, node: call.input!, message: `${describeOrigin(ctx, fact, 'softmax')} reaches CrossEntropyLoss, which applies log-softmax itself: pass the logits.` });
        continue;
      }
      const group = byOrigin.get(origin.id) ?? { fact, calls: [] };
      group.calls.push(call);
      byOrigin.set(origin.id, group);
    }
    for (const { fact, calls } of byOrigin.values()) {
      const edits = removeActivationEdits(ctx, fact);
      const others = calls.length - 1;
      const lines = `${ctx.lineOf(calls[0].call)})${others ? ` and ${others} other loss call${others > 1 ? 's' : ''}` : ''}`;
      const what = fact.via === 'model' && fact.model === 'nn.Sequential' ? 'this softmax at the end of an nn.Sequential' : fact.via === 'model' && fact.model ? `this softmax in ${fact.model}.forward` : 'this softmax';
      ctx.report({
        node: fact.origin!,
        message: `${what} reaches CrossEntropyLoss (line ${lines}, which applies log-softmax itself: pass the logits.`,
        fix: edits && { title: 'Remove the softmax (pass logits)', edits, safe: fact.via === 'inline' && calls.length === 1 },
        related: calls.map((c) => ({ node: c.call, message: `CrossEntropyLoss receives the softmax output here` })),
      });
    }
  },
};
