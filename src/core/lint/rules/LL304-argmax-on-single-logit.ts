import type { Rule } from '../rule';
import type { Node } from '../parser';
import { callArgs, receiver, unparen } from '../semantic/syntax';
import { shapes } from '../torch/shapes';

export const argmaxOnSingleLogit: Rule = {
  code: 'LL304',
  slug: 'argmax-on-single-logit',
  name: 'argmax over a single output',
  severity: 'error',
  fixable: false,
  summary: 'argmax(dim=1) over a model with one output unit is always 0: threshold the logit instead (logits > 0).',
  docs: `## What it does
Flags \`argmax(dim=1)\` (also \`dim=-1\`, \`torch.argmax(out, 1)\`, and the indices of \`torch.max(out, 1)\`)
on the output of a model whose last layer has a single output unit (\`nn.Linear(_, 1)\`).

## Why is this bad
A binary classifier with one output unit produces a tensor of shape \`(N, 1)\`: one logit per example.
\`argmax\` over a dimension of size 1 has only one index to choose from, so every prediction is class
\`0\`. Accuracy then equals the share of negatives in the data — often a plausible-looking 50–70 % —
and the model seems to "not learn" while its logits are in fact fine. \`argmax\` is for multi-class
heads with one output per class; a single logit is decided by its sign.

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
preds = model(x).argmax(dim=1)
\`\`\`

## Use instead
\`\`\`python
preds = (model(x).squeeze(1) > 0).long()   # σ(z) > 0.5  ⇔  z > 0
# or give the model one output per class and train it with CrossEntropyLoss:
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
preds = model(x).argmax(dim=1)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const shape = shapes(sem);
    const check = (call: Node, tensor: Node | undefined, dim: Node | undefined, what: string) => {
      if (!tensor || !dim) return;
      if (what !== 'argmax' && !indicesUsed(call)) return; // the max values of one logit are just the logit
      const d = unparen(dim).text.replace(/\s/g, '');
      const s = shape.of(tensor);
      if (!s || s.last !== 1 || s.rank !== 2 || (d !== '1' && d !== '-1')) return;
      ctx.report({ node: call, message: `${what} over dimension ${d} of ${ctx.source(tensor)}, which has a single output unit (shape (N, 1)): the result is always 0. Threshold the logit instead (${ctx.source(tensor)} > 0).` });
    };
    for (const name of ['argmax', 'max']) {
      for (const call of sem.methodCalls(name)) {
        const recv = receiver(call)!;
        if (sem.qualifiedName(recv)) continue; // torch.argmax(...): handled below
        const args = callArgs(call);
        check(call, recv, args.keywords.get('dim') ?? args.positional[0], name === 'max' ? 'the indices of .max(dim)' : 'argmax');
      }
    }
    for (const call of sem.calls) {
      const qn = sem.calleeQualifiedName(call);
      if (qn !== 'torch.argmax' && qn !== 'torch.max') continue;
      const args = callArgs(call);
      check(call, args.keywords.get('input') ?? args.positional[0], args.keywords.get('dim') ?? args.positional[1], qn === 'torch.max' ? 'the indices of torch.max' : 'argmax');
    }
  },
};

/** `_, pred = out.max(1)`, `out.max(1)[1]`, `out.max(dim=1).indices`. */
function indicesUsed(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  if (parent.type === 'subscript') return parent.childForFieldName('subscript')?.text === '1';
  if (parent.type === 'attribute') return parent.childForFieldName('attribute')?.text === 'indices';
  if (parent.type === 'assignment') {
    const left = parent.childForFieldName('left');
    return !!left && (left.type === 'pattern_list' || left.type === 'tuple_pattern') && left.namedChildCount === 2 && left.namedChild(1)?.text !== '_';
  }
  return false;
}
