import type { Rule } from '../rule';
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { named, unparen, walk } from '../semantic/syntax';
import { producingModel } from '../torch/evaluation';

const ORDERINGS = new Set(['>', '>=', '<', '<=']);
const REGRESSION_LOSSES = new Set(['MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss']);
const IDENTIFIERS = new Set(['identifier']);

export const logitsThresholdedAtHalf: Rule = {
  code: 'LL303',
  slug: 'logits-thresholded-at-half',
  name: 'Logits thresholded at 0.5',
  severity: 'error',
  fixable: true,
  summary: 'A logit compared with 0.5 is a probability threshold of σ(0.5) ≈ 0.62: compare logits with 0, or sigmoid(logits) with 0.5.',
  docs: `## What it does
Flags a comparison of a model's raw output — logits, with no sigmoid anywhere on its path — with
\`0.5\` (\`logits > 0.5\`, \`(out >= 0.5).float()\`).

A model trained in this file as a regressor (\`MSELoss\`/\`L1Loss\` on its output) is left alone: its
outputs are meant to be cut at 0.5.

## Why is this bad
A model trained with \`BCEWithLogitsLoss\` outputs a logit \`z\`; the probability of class 1 is
\`σ(z)\`. The decision "probability above one half" is \`σ(z) > 0.5\`, which is exactly \`z > 0\`.
\`z > 0.5\` instead means \`σ(z) > σ(0.5) ≈ 0.62\`: every example with a probability between 0.5
and 0.62 is called negative. Accuracy, precision/recall and the confusion matrix are all computed
at the wrong threshold, and the error is silent — the numbers just look a little worse than they
should, so people tune the model instead of the metric.

## Example
\`\`\`python
logits = model(x)               # trained with BCEWithLogitsLoss
preds = (logits > 0.5).float()
\`\`\`

## Use instead
\`\`\`python
preds = (logits > 0).float()
# or, when you want the probabilities anyway:
preds = (torch.sigmoid(logits) > 0.5).float()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    // A model trained as a regressor on 0/1 targets (MSE, L1) outputs scores meant to be cut at 0.5.
    const regressors = new Set<number>();
    for (const c of sem.lossCalls()) {
      if (!REGRESSION_LOSSES.has(c.loss) || !c.input) continue;
      const m = producingModel(sem, c.input);
      if (m) regressors.add(m.id);
    }
    walk(ctx.root, (cmp) => {
      const operands = named(cmp);
      const operators = cmp.childrenForFieldName('operators').filter((o): o is Node => !!o);
      if (operands.length !== 2 || operators.length !== 1 || !ORDERINGS.has(operators[0].text)) return;
      const [a, b] = operands;
      const half = isHalf(b) ? b : isHalf(a) ? a : undefined;
      const value = half === b ? a : half === a ? b : undefined;
      if (!half || !value) return;
      const fact = sem.valueOf(value);
      if (fact.kind !== 'logits' || throughParameter(sem, value)) return;
      const model = producingModel(sem, value);
      if (!model || regressors.has(model.id)) return;
      ctx.report({
        node: cmp,
        message: `${ctx.source(value)} is a logit${fact.model ? ` (output of ${fact.model === 'nn.Sequential' ? 'an nn.Sequential' : fact.model}, no sigmoid on its path)` : ''}, not a probability: > 0.5 thresholds at σ(0.5) ≈ 0.62. Compare logits with 0, or sigmoid(...) with 0.5.`,
        fix: { title: 'Compare with 0', edits: [{ start: half.startIndex, end: half.endIndex, newText: '0' }], safe: true },
      });
    }, new Set(['comparison_operator']));
  },
};

function isHalf(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'float' && Number(n.text) === 0.5;
}

/**
 * The value arrives through a function parameter (a metrics helper such as `accuracy(preds, y)`):
 * its callers decide what it holds, so the helper's threshold is not judged here.
 */
function throughParameter(sem: SemanticModel, expr: Node, depth = 0): boolean {
  const e = unparen(expr);
  if (depth > 8) return false;
  if (e.type === 'identifier') {
    const scope = sem.scopeOf(e);
    if (scope.type === 'function_definition') {
      const params = scope.childForFieldName('parameters');
      let isParam = false;
      if (params) walk(params, (p) => void (p.text === e.text && (isParam = true)), IDENTIFIERS);
      if (isParam && !hasLocalAssignment(scope, e)) return true;
    }
    return sem.definitions(e).some((d) => !!d && throughParameter(sem, d, depth + 1));
  }
  if (e.type === 'call') {
    const fn = e.childForFieldName('function');
    const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
    return !!recv && throughParameter(sem, recv, depth + 1);
  }
  if (e.type === 'subscript') return throughParameter(sem, e.childForFieldName('value')!, depth + 1);
  return false;
}

function hasLocalAssignment(fn: Node, id: Node): boolean {
  let found = false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  walk(body, (a) => {
    const left = a.childForFieldName('left');
    if (left && a.endIndex <= id.startIndex && left.type === 'identifier' && left.text === id.text) found = true;
  }, new Set(['assignment']));
  return found;
}
