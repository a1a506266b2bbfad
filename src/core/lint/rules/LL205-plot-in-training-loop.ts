import type { Rule } from '../rule';
import { calleeName, isInside } from '../semantic/syntax';
import { backwardCalls } from '../torch/training';

export const plotInTrainingLoop: Rule = {
  code: 'LL205',
  slug: 'plot-in-training-loop',
  name: 'Plotting inside the training loop',
  severity: 'info',
  fixable: false,
  summary: 'Plotting (plt.*, .show()) inside the epoch loop slows training and blocks it: plot after training.',
  docs: `## What it does
Flags matplotlib plotting (\`plt.plot\`, \`plt.show\`, …) inside a loop that trains (calls \`backward()\`),
or inside its enclosing epoch loop.

## Why is this bad
Rendering a figure costs far more than a training step of a small model, \`plt.show()\` blocks until
the window is closed, and figures opened every epoch leak memory. Record the numbers in a list and
plot once after training, or log them to TensorBoard / a callback.

## Example
\`\`\`python
for epoch in range(100):
    train_one_epoch()
    plt.plot(losses)
    plt.show()
\`\`\`

## Use instead
\`\`\`python
for epoch in range(100):
    losses.append(train_one_epoch())
plt.plot(losses)
plt.show()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const backwards = backwardCalls(sem);
    const trainingLoops = sem.loops.filter((l) => backwards.some((b) => isInside(b, l.body)));
    const reported = new Set<number>();
    for (const call of sem.calls) {
      const qn = sem.calleeQualifiedName(call);
      const isPlot = (qn?.startsWith('matplotlib.pyplot.') ?? false) || (calleeName(call) === 'show' && /^(fig|plt|ax)/.test(call.text));
      if (!isPlot) continue;
      const loop = trainingLoops.find((l) => isInside(call, l.body));
      if (!loop || reported.has(loop.node.id)) continue;
      reported.add(loop.node.id);
      ctx.report({ node: call, message: 'Plotting inside the training loop: collect the values and plot after training (or log them).' });
    }
  },
};
