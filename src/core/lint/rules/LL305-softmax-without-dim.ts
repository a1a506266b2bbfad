import type { Rule } from '../rule';
import { callArgs } from '../semantic/syntax';

/** Callables whose `dim` may be left out (and then is guessed from the input's rank). */
const FUNCTIONS: Record<string, { dimAt: number; label: string }> = {
  'torch.softmax': { dimAt: 1, label: 'softmax' },
  'torch.log_softmax': { dimAt: 1, label: 'log_softmax' },
  'torch.nn.Softmax': { dimAt: 0, label: 'nn.Softmax()' },
  'torch.nn.LogSoftmax': { dimAt: 0, label: 'nn.LogSoftmax()' },
};

export const softmaxWithoutDim: Rule = {
  code: 'LL305',
  slug: 'softmax-without-dim',
  name: 'Softmax without dim',
  severity: 'warning',
  fixable: true,
  summary: 'softmax without dim guesses the class axis from the input\'s rank: say dim=1 (or dim=-1).',
  docs: `## What it does
Flags \`F.softmax(x)\`, \`torch.softmax(x)\`, \`nn.Softmax()\` (and their \`log_softmax\` / \`nn.LogSoftmax()\`
twins) called without a \`dim\`.

## Why is this bad
Softmax normalises along one axis so that the values along it sum to 1 — for a batch of class
scores of shape \`(N, C)\` that must be the class axis, \`dim=1\`. Without \`dim\`, PyTorch guesses
from the input's rank (the "implicit dimension choice" deprecated since 0.4): \`dim=0\` for 1-D and
3-D inputs, \`dim=1\` otherwise. So the same line normalises over classes for a batch, over the
*batch* for a single unbatched sample or a \`(T, N, C)\` sequence, and gives probabilities that sum to
1 over the wrong things, with no error — only a warning that is easy to miss in a notebook.

## Example
\`\`\`python
probs = F.softmax(model(x))
head = nn.Sequential(nn.Linear(16, 3), nn.Softmax())
\`\`\`

## Use instead
\`\`\`python
probs = F.softmax(model(x), dim=1)
head = nn.Sequential(nn.Linear(16, 3), nn.Softmax(dim=1))
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    for (const call of sem.calls) {
      const qn = sem.calleeQualifiedName(call);
      const spec = qn ? FUNCTIONS[qn] : undefined;
      if (!spec) continue;
      const args = callArgs(call);
      if (args.splat || args.keywords.has('dim') || args.positional.length > spec.dimAt) continue;
      const list = call.childForFieldName('arguments')!;
      const close = list.endIndex - 1;
      const inside = ctx.text.slice(list.startIndex + 1, close).trimEnd();
      const at = list.startIndex + 1 + inside.length;
      // `f(x)` → `f(x, dim=1)`; `f(x, )` → `f(x, dim=1)`; `f()` → `f(dim=1)`.
      const edit = inside.endsWith(',') ? { start: at, end: close, newText: ' dim=1' } : { start: at, end: at, newText: `${inside.length ? ', ' : ''}dim=1` };
      const name = spec.dimAt === 0 ? spec.label : `${ctx.source(call.childForFieldName('function')!)}()`;
      ctx.report({
        node: call,
        message: `${name} without dim: the axis is guessed from the input's rank (dim=0 for 1-D/3-D inputs). Pass dim=1 for (N, C) class scores.`,
        // Same result as today for 2-D inputs; for other ranks the user must choose, so not auto-applied.
        fix: { title: 'Add dim=1', edits: [edit], safe: false },
      });
    }
  },
};
