import type { Rule } from '../rule';
import { isInside } from '../semantic/syntax';
import { backwardCalls, innermostLoop, methodCalls, optimizerSteps } from '../torch/training';

export const zeroGradAfterBackward: Rule = {
  code: 'LL202',
  slug: 'zero-grad-after-backward',
  name: 'zero_grad between backward and step',
  severity: 'error',
  fixable: false,
  summary: 'Gradients are cleared after backward() and before step(): the optimizer steps with zeros.',
  docs: `## What it does
Flags \`zero_grad()\` called after \`loss.backward()\` and before \`optimizer.step()\` in the same iteration.

## Why is this bad
\`step()\` reads \`.grad\`. Clearing it in between throws away the gradient just computed, so every step
uses zeros (or \`None\`, and is skipped): the loss never moves, or only weight decay/momentum act.

## Example
\`\`\`python
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.zero_grad()
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
    const zeros = methodCalls(sem, 'zero_grad');
    for (const step of optimizerSteps(sem)) {
      const loop = innermostLoop(sem, step);
      if (!loop) continue;
      const backward = backwards.filter((b) => isInside(b, loop.body) && b.endIndex < step.startIndex).pop();
      if (!backward) continue;
      // Same block as the step: a conditional zero_grad (gradient accumulation) is not this bug.
      const zero = zeros.find((z) => z.startIndex > backward.endIndex && z.endIndex < step.startIndex && z.parent?.parent?.id === step.parent?.parent?.id);
      if (zero) ctx.report({ node: zero, message: 'zero_grad() between backward() and step() clears the gradients the step needs: move it before the forward pass.' });
    }
  },
};
