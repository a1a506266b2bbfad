import type { Rule } from '../rule';
import { isInside, receiver, statementOf } from '../semantic/syntax';
import { backwardCalls, gradientClears, innermostLoop, optimizerSteps } from '../torch/training';

export const missingZeroGrad: Rule = {
  code: 'LL201',
  slug: 'missing-zero-grad',
  name: 'Missing zero_grad in the training loop',
  severity: 'warning',
  fixable: true,
  summary: 'The loop calls backward() and step() but never clears gradients: they add up across iterations.',
  docs: `## What it does
Flags a loop that calls \`loss.backward()\` and \`optimizer.step()\` while nothing in the loop clears the
gradients (\`optimizer.zero_grad()\`, \`model.zero_grad()\`, \`p.grad = None\`).

## Why is this bad
\`backward()\` **adds** into \`.grad\`; it never overwrites. Without clearing, the gradient used at step
\`t\` is the sum of the gradients of every batch so far, \`Σ_{s≤t} ∇L_s\`, so the effective step size
grows with every iteration, old batches keep pushing, and training diverges or oscillates.

## Example
\`\`\`python
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
\`\`\`

## Use instead
\`\`\`python
for x, y in loader:
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    const backwards = backwardCalls(sem);
    const reported = new Set<number>();
    for (const step of optimizerSteps(sem)) {
      const loop = innermostLoop(sem, step);
      if (!loop || reported.has(loop.node.id)) continue;
      const backward = backwards.find((b) => isInside(b, loop.body));
      if (!backward || gradientClears(sem, loop.body).length) continue;
      reported.add(loop.node.id);
      const stmt = statementOf(backward);
      const lineStart = ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
      const indent = ctx.text.slice(lineStart, stmt.startIndex);
      const recv = receiver(step)!;
      const optimizer = /scaler/i.test(recv.text) ? undefined : ctx.source(recv);
      ctx.report({
        node: step,
        message: `This loop calls backward() and ${recv.text}.step() but never clears gradients: call ${optimizer ?? 'optimizer'}.zero_grad() each iteration.`,
        fix:
          optimizer && /^\s*$/.test(indent)
            ? { title: `Insert ${optimizer}.zero_grad()`, edits: [{ start: lineStart, end: lineStart, newText: `${indent}${optimizer}.zero_grad()\n` }], safe: false }
            : undefined,
      });
    }
  },
};
