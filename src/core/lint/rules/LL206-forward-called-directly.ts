import type { Rule } from '../rule';
import { receiver, unparen } from '../semantic/syntax';
import { methodCalls } from '../torch/training';

export const forwardCalledDirectly: Rule = {
  code: 'LL206',
  slug: 'forward-called-directly',
  name: 'forward() called directly',
  severity: 'warning',
  fixable: true,
  summary: 'model.forward(x) skips hooks: call the module, model(x).',
  docs: `## What it does
Flags \`model.forward(x)\` on an \`nn.Module\` instance.

## Why is this bad
\`nn.Module.__call__\` runs forward pre-hooks and hooks, backward hooks, and what is built on them
(pruning, spectral norm, quantisation observers, profilers, many interpretability tools). Calling
\`.forward\` directly silently skips all of that, so the model behaves differently from how it was
trained or inspected.

## Example
\`\`\`python
out = model.forward(x)
\`\`\`

## Use instead
\`\`\`python
out = model(x)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    for (const call of methodCalls(sem, 'forward')) {
      const recv = receiver(call)!;
      const r = unparen(recv);
      if (r.text === 'self' || r.type === 'call') continue; // self.forward / super().forward: inside the module itself
      if (sem.objectOf(r).kind !== 'module') continue;
      const fn = call.childForFieldName('function')!;
      ctx.report({
        node: fn,
        message: `${r.text}.forward(...) skips the module's hooks: call ${r.text}(...) instead.`,
        fix: { title: `Call ${r.text}(...)`, edits: [{ start: recv.endIndex, end: fn.endIndex, newText: '' }], safe: true },
      });
    }
  },
};
