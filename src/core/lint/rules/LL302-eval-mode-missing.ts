import type { Rule } from '../rule';
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { callArgs, isInside } from '../semantic/syntax';
import { optimizerSteps } from '../torch/training';
import { hasModeDependentLayers, inTrainingLoop, inTrainingStep, isEvalData, modeCalls, modelCalls, sameModel } from '../torch/evaluation';

type Toggle = ReturnType<typeof modeCalls>[number];

export const evalModeMissing: Rule = {
  code: 'LL302',
  slug: 'eval-mode-missing',
  name: 'Evaluation in training mode',
  severity: 'warning',
  fixable: false,
  summary: 'A model with Dropout/BatchNorm is evaluated in training mode (no model.eval()), or eval() inside the training loop is never undone by train().',
  docs: `## What it does
Flags two ways of evaluating a model in the wrong mode:
- a model containing \`Dropout\` or \`BatchNorm\` is evaluated — on evaluation data (\`X_test\`,
  a \`val_loader\` batch) or under \`torch.no_grad()\` outside the training loop — and the file never
  calls \`model.eval()\` (or \`model.train(False)\`) on it;
- \`model.eval()\` is called inside the training loop (directly or through a function the loop calls)
  and nothing in the loop calls \`model.train()\` again, so from the second epoch on the model
  trains in eval mode.

## Why is this bad
Dropout and batch norm behave differently in the two modes. In training mode dropout zeroes a random
share of activations, and batch norm normalises with the statistics of the current batch and updates
its running averages; in eval mode dropout is the identity and batch norm uses the running averages.
Evaluated in training mode, predictions are noisy (the same input gives different outputs), depend on
which other examples share the batch, and the test data silently updates the batch-norm statistics.
The mirror mistake — \`eval()\` in the epoch loop without \`train()\` — trains every later epoch without
dropout and with frozen batch-norm statistics: regularisation is gone and the loss curve looks fine.
\`torch.no_grad()\` does not change the mode; it only turns off autograd.

## Example
\`\`\`python
for epoch in range(epochs):
    for xb, yb in train_loader:
        ...
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_acc = accuracy(model(X_val), y_val)
\`\`\`

## Use instead
\`\`\`python
for epoch in range(epochs):
    model.train()
    for xb, yb in train_loader:
        ...
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_acc = accuracy(model(X_val), y_val)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const toggles = modeCalls(sem);
    evaluatedInTrainMode(ctx, sem, toggles);
    helperEvaluatesInTrainMode(ctx, sem, toggles);
    evalNeverUndone(ctx, sem, toggles);
  },
};

function evaluatedInTrainMode(ctx: Parameters<Rule['check']>[0], sem: SemanticModel, toggles: Toggle[]): void {
  // An eval() on something we cannot identify might be this model: stay silent then.
  if (toggles.some((t) => t.mode === 'eval' && !t.module)) return;
  const reported = new Set<number>();
  for (const mc of modelCalls(sem)) {
    if (reported.has(mc.module.node.id) || !hasModeDependentLayers(sem, mc.module)) continue;
    if (toggles.some((t) => t.mode === 'eval' && sameModel(t, { module: mc.module, receiver: mc.callee }))) continue;
    const input = callArgs(mc.call).positional[0];
    // No-grad evaluation outside the batch step counts, including "validate after each epoch"
    // inside the epoch loop.
    const evaluating = (sem.inNoGrad(mc.call) && !inBatchStep(sem, mc.call)) || (!!input && isEvalData(sem, input) && !inTrainingStep(sem, mc.call));
    if (!evaluating) continue;
    reported.add(mc.module.node.id);
    ctx.report({
      node: mc.call,
      message: `${ctx.source(mc.callee)} contains Dropout/BatchNorm and is evaluated here in training mode (model.eval() is never called): predictions are noisy and batch-norm statistics change. Call ${ctx.source(mc.callee)}.eval() before evaluating.`,
    });
  }
}

/** Inside the body of the loop that steps the optimizer (the batch loop, or a full-batch epoch loop). */
function inBatchStep(sem: SemanticModel, node: Node): boolean {
  const inner = sem.enclosingLoops(node)[0];
  if (!inner || !inTrainingLoop(sem, node)) return false;
  return optimizerSteps(sem).some((s) => sem.enclosingLoops(s)[0]?.node.id === inner.node.id);
}

const EVAL_HELPER = /^(test|val|valid|validate|validation|eval|evaluate|evaluation)(_\w*)?$/i;

/**
 * `test_seg(model, test_loader)` each epoch, where the helper (of this file or imported from the
 * project) never calls eval(): the model is evaluated in training mode. Reported at the call.
 */
function helperEvaluatesInTrainMode(ctx: Parameters<Rule['check']>[0], sem: SemanticModel, toggles: Toggle[]): void {
  if (toggles.some((t) => t.mode === 'eval')) return;
  const reported = new Set<number>();
  for (const call of sem.calls) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || !EVAL_HELPER.test(fn.text) || !inTrainingLoop(sem, call) || inBatchStep(sem, call)) continue;
    const body = helperBody(sem, fn);
    if (!body || /\.eval\(\s*\)|\.train\(\s*(False|mode\s*=\s*False)\s*\)/.test(body.text)) continue;
    for (const arg of callArgs(call).positional) {
      const o = sem.objectOf(arg);
      if (o.kind !== 'module' || reported.has(o.module.node.id) || !hasModeDependentLayers(sem, o.module)) continue;
      reported.add(o.module.node.id);
      ctx.report({
        node: call,
        message: `${ctx.source(arg)} contains Dropout/BatchNorm and ${fn.text}() evaluates it in training mode each epoch (eval() is never called): predictions are noisy and batch-norm statistics change. Call ${ctx.source(arg)}.eval() before ${fn.text}() and ${ctx.source(arg)}.train() after it.`,
      });
    }
  }
}

/** The body of a helper called by name: a function of this file or one imported from the project. */
function helperBody(sem: SemanticModel, callee: Node): Node | undefined {
  const local = sem.functions.get(callee.text);
  if (local) return local.childForFieldName('body') ?? undefined;
  const qn = sem.qualifiedName(callee);
  const external = qn ? sem.resolver?.lookup(qn) : undefined;
  return external?.model.functions.get(external.name)?.childForFieldName('body') ?? undefined;
}

function evalNeverUndone(ctx: Parameters<Rule['check']>[0], sem: SemanticModel, toggles: Toggle[]): void {
  const steps = optimizerSteps(sem);
  /** Where an eval toggle takes effect in the caller: the toggle itself, or calls of the function that contains it. */
  const sites = (t: Toggle): { at: Node; fn?: Node }[] => {
    const fn = topLevelFunctionOf(sem, t.call);
    if (!fn) return [{ at: t.call }];
    return sem.callsOf(fn.childForFieldName('name')!.text).map((at) => ({ at, fn }));
  };
  const reported = new Set<number>();
  for (const ev of toggles) {
    if (ev.mode !== 'eval') continue;
    const sameOrUnknown = (t: Toggle) => t.mode === 'train' && (!t.module || !ev.module || sameModel(t, ev));
    for (const { at, fn } of sites(ev)) {
      if (fn && toggles.some((t) => sameOrUnknown(t) && isInside(t.call, fn))) continue; // the helper restores train mode itself
      const loop = sem.enclosingLoops(at).find((l) => steps.some((s) => isInside(s, l.body) && !isInside(at, s)));
      if (!loop || reported.has(loop.node.id)) continue;
      // Only a model the loop trains (called with gradients on): a frozen teacher may stay in eval mode.
      const modelExpr = fn ? argumentFor(fn, at, ev.receiver) : ev.receiver;
      const target = modelExpr ? sem.objectOf(modelExpr) : undefined;
      const trained = modelCalls(sem).some(
        (mc) => isInside(mc.call, loop.body) && !sem.inNoGrad(mc.call) && (target?.kind === 'module' ? mc.module.node.id === target.module.node.id : mc.callee.text === modelExpr?.text),
      );
      if (!trained) continue;
      // train() in the loop, or in a function the loop calls, brings training mode back.
      const calledFunctions = sem.index.within(loop.body, 'call').map((c) => topLevelFunctionNamed(sem, c)).filter((f): f is Node => !!f);
      const restored = toggles.some((t) => sameOrUnknown(t) && (isInside(t.call, loop.body) || calledFunctions.some((f) => isInside(t.call, f))));
      if (restored) continue;
      reported.add(loop.node.id);
      ctx.report({
        node: at,
        message: `${fn ? `${ctx.source(at.childForFieldName('function')!)}() calls ${ctx.source(ev.receiver)}.eval()` : `${ctx.source(ev.receiver)}.eval() is called`} inside the training loop and nothing in the loop calls train() again: from the next iteration on the model trains in eval mode (no dropout, frozen batch-norm statistics). Call ${modelExpr ? ctx.source(modelExpr) : 'model'}.train() at the start of each epoch.`,
      });
    }
  }
}

function topLevelFunctionOf(sem: SemanticModel, node: Node): Node | undefined {
  for (const fn of sem.functions.values()) if (isInside(node, fn)) return fn;
  return undefined;
}

function topLevelFunctionNamed(sem: SemanticModel, call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' ? sem.functions.get(fn.text) : undefined;
}

/** At a call of helper `fn`, the argument passed for the parameter `param` (`validate(loader, net)` → `net`). */
function argumentFor(fn: Node, call: Node, param: Node): Node | undefined {
  const params = fn.childForFieldName('parameters');
  const names = params ? params.namedChildren.map((p) => (p?.type === 'identifier' ? p.text : p?.childForFieldName('name')?.text ?? p?.namedChild(0)?.text)) : [];
  const index = names.indexOf(param.text);
  if (index < 0) return undefined;
  const args = callArgs(call);
  return args.keywords.get(param.text) ?? args.positional[index];
}
