import type { Rule } from '../rule';
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { callArgs, isInside, statementOf, unparen } from '../semantic/syntax';
import { backwardCalls } from '../torch/training';
import { inTrainingLoop, inTrainingStep, isDetachedInline, isEvalData, modeCalls, modelCalls, sameModel, type ModelCall } from '../torch/evaluation';

export const evalWithoutNoGrad: Rule = {
  code: 'LL301',
  slug: 'eval-without-no-grad',
  name: 'Evaluation with autograd on',
  severity: 'info',
  fixable: false,
  summary: 'Predictions on evaluation data are computed with autograd on: wrap them in torch.no_grad() (or inference_mode()).',
  docs: `## What it does
Reports a model applied to evaluation data — a variable named like \`X_test\`/\`x_val\`, a batch of a
\`val_loader\`/\`test_loader\`, or any model call after \`model.eval()\` outside the training loop —
while autograd is on: not under \`torch.no_grad()\`/\`torch.inference_mode()\` (as a \`with\` block or a
decorator) and not \`.detach()\`ed. Code that wants gradients there (a \`backward()\` or
\`torch.autograd.grad\` later in the same function, as in adversarial examples) is left alone.

## Why is this bad
With autograd on, every operation of the forward pass records itself and keeps its inputs alive for
a backward pass that evaluation never runs. Memory then grows with the size of the evaluation set
(a test set processed in one go can need several times the memory of inference — the classic
"CUDA out of memory during validation"), evaluation runs slower, and the predictions carry
\`requires_grad=True\`, so \`.numpy()\` on them fails. \`model.eval()\` does **not** turn autograd
off: it only switches dropout and batch norm to inference behaviour.

## Example
\`\`\`python
model.eval()
logits = model(X_test)
acc = (logits.argmax(dim=1) == y_test).float().mean()
\`\`\`

## Use instead
\`\`\`python
model.eval()
with torch.no_grad():
    logits = model(X_test)
acc = (logits.argmax(dim=1) == y_test).float().mean()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const toggles = modeCalls(sem);
    const reported = new Set<number>();
    for (const mc of modelCalls(sem)) {
      const { call } = mc;
      if (sem.inNoGrad(call) || inTrainingStep(sem, call) || isDetachedInline(call)) continue;
      const input = callArgs(call).positional[0];
      const evalData = !!input && isEvalData(sem, input);
      if (!evalData && !afterEvalToggle(sem, mc, toggles)) continue;
      if (wantsGradients(ctx.text, sem, call) || detachedLater(ctx.text, sem, call)) continue;
      const stmt = statementOf(call);
      if (reported.has(stmt.id)) continue;
      reported.add(stmt.id);
      ctx.report({
        node: call,
        message: `${ctx.source(call)} runs ${evalData ? 'on evaluation data' : `after ${ctx.source(mc.callee)}.eval()`} with autograd on: every activation is kept for a backward pass that never comes. Wrap the evaluation in \`with torch.no_grad():\`.`,
      });
    }
  },
};

/** A `model.eval()` on the same model earlier in the same scope, outside the training loop, with no `train()` in between. */
function afterEvalToggle(sem: SemanticModel, mc: ModelCall, toggles: ReturnType<typeof modeCalls>): boolean {
  if (inTrainingLoop(sem, mc.call)) return false;
  const scope = sem.scopeOf(mc.call);
  const me = { module: mc.module, receiver: mc.callee };
  let mode: 'train' | 'eval' | undefined;
  for (const t of toggles) {
    if (t.call.startIndex >= mc.call.startIndex) break;
    if (!sameModel(t, me) || sem.scopeOf(t.call).id !== scope.id) continue;
    // A toggle inside a loop or branch that does not contain the call may not have run.
    if (sem.enclosingLoops(t.call).some((l) => !isInside(mc.call, l.body))) continue;
    mode = t.mode;
  }
  return mode === 'eval';
}

/** A backward pass or `torch.autograd.grad` later in the same scope, or `requires_grad_` on inputs: gradients are wanted. */
function wantsGradients(text: string, sem: SemanticModel, call: Node): boolean {
  const scope = sem.scopeOf(call);
  const later = (n: Node) => n.startIndex > call.startIndex && sem.scopeOf(n).id === scope.id;
  if (backwardCalls(sem).some(later)) return true;
  if (sem.callsTo('torch.autograd.grad').some(later)) return true;
  // Most files never mention requires_grad: no slice and regex per model call then.
  if (!text.includes('requires_grad')) return false;
  const body = scope.id === sem.root.id ? text : text.slice(scope.startIndex, scope.endIndex);
  return /requires_grad_\(|requires_grad\s*=\s*True/.test(body);
}

/** `out = model(X_test)` followed by `out.detach()`: the user handles it. */
function detachedLater(text: string, sem: SemanticModel, call: Node): boolean {
  const stmt = statementOf(call);
  const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
  const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : undefined;
  if (!left || unparen(left).type !== 'identifier') return false;
  const scope = sem.scopeOf(call);
  const end = scope.id === sem.root.id ? text.length : scope.endIndex;
  // The regex needs this text in the rest of the scope: look for it first, without slicing.
  const at = text.indexOf(`${left.text}.detach(`, stmt.endIndex);
  if (at < 0 || at >= end) return false;
  const rest = text.slice(stmt.endIndex, end);
  return new RegExp(`\\b${left.text}\\.detach\\(`).test(rest);
}
