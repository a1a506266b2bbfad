import type { Rule } from '../rule';
import { callArgs, isInside } from '../semantic/syntax';
import { optimizerSteps } from '../torch/training';

export const perSampleUpdates: Rule = {
  code: 'LL204',
  slug: 'per-sample-updates',
  name: 'One optimizer step per sample',
  severity: 'info',
  fixable: false,
  summary: 'The optimizer steps once per single sample: use mini-batches (DataLoader) or the full batch.',
  docs: `## What it does
Flags \`optimizer.step()\` inside a loop over single samples, \`for x, y in zip(X, Y)\`.

## Why is this bad
One sample's gradient is a very noisy estimate of the true gradient, and a Python loop per sample
wastes the vectorised hardware. Mini-batches of 32–256 average the noise (variance falls as 1/B)
and run orders of magnitude faster; small datasets can use the full batch.

## Example
\`\`\`python
for x, y in zip(X, Y):
    optimizer.zero_grad()
    criterion(model(x), y).backward()
    optimizer.step()
\`\`\`

## Use instead
\`\`\`python
loader = DataLoader(TensorDataset(X, Y), batch_size=64, shuffle=True)
for xb, yb in loader:
    optimizer.zero_grad()
    criterion(model(xb), yb).backward()
    optimizer.step()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    for (const loop of sem.loops) {
      if (loop.node.type !== 'for_statement') continue;
      const right = loop.node.childForFieldName('right');
      if (right?.type !== 'call' || right.childForFieldName('function')?.text !== 'zip') continue;
      if (!callArgs(right).positional.every((a) => a.type === 'identifier')) continue;
      const step = optimizerSteps(sem).find((s) => isInside(s, loop.body));
      if (step) ctx.report({ node: right, message: 'The optimizer steps once per single sample: use mini-batches (DataLoader with batch_size) or the full batch.' });
    }
  },
};
