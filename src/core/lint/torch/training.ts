// Helpers shared by the training-loop rules (LL2xx).
import type { Node } from '../parser';
import type { SemanticModel, LoopInfo } from '../semantic';
import { callArgs, isInside, receiver, unparen } from '../semantic/syntax';

/** Method calls `<recv>.<name>(...)` in the file. */
export function methodCalls(sem: SemanticModel, name: string): Node[] {
  return sem.methodCalls(name);
}

const stepCache = new WeakMap<SemanticModel, Node[]>();

/** The receiver is an optimizer: a `torch.optim.*` object, or unknown but named like one. */
export function isOptimizer(sem: SemanticModel, recv: Node | undefined): boolean {
  if (!recv) return false;
  const o = sem.objectOf(recv);
  if (o.kind === 'optimizer') return true;
  return o.kind === 'unknown' && /optim|(^|[._])opt(_\w+)?$|^opt\w*$/i.test(unparen(recv).text);
}

/** `optimizer.step()` or `scaler.step(optimizer)`. */
export function optimizerSteps(sem: SemanticModel): Node[] {
  const cached = stepCache.get(sem);
  if (cached) return cached;
  const steps = methodCalls(sem, 'step').filter((c) => {
    const recv = receiver(c)!;
    if (sem.objectOf(recv).kind === 'scaler' || /scaler/i.test(recv.text)) return isOptimizer(sem, callArgs(c).positional[0]);
    return callArgs(c).positional.length === 0 && isOptimizer(sem, recv);
  });
  stepCache.set(sem, steps);
  return steps;
}

/** `loss.backward()` / `scaler.scale(loss).backward()`. */
export function backwardCalls(sem: SemanticModel): Node[] {
  return sem.torchInScope ? methodCalls(sem, 'backward') : [];
}

/** Anything that clears gradients: `x.zero_grad()`, `p.grad = None`, `p.grad.zero_()`, `.grad.detach_()`. */
export function gradientClears(sem: SemanticModel, root: Node): Node[] {
  const out: Node[] = sem.methodCalls('zero_grad').filter((c) => isInside(c, root));
  for (const name of ['zero_', 'detach_', 'fill_']) {
    for (const c of sem.methodCalls(name)) if (isInside(c, root) && /\.grad$/.test(receiver(c)?.text ?? '')) out.push(c);
  }
  const text = root.tree.rootNode.text.slice(root.startIndex, root.endIndex);
  if (/\.grad\s*=\s*None/.test(text) || /\.grad\s*=\s*torch\.zeros/.test(text)) out.push(root);
  return out;
}

/** The innermost loop whose body contains `node`. */
export function innermostLoop(sem: SemanticModel, node: Node): LoopInfo | undefined {
  return sem.enclosingLoops(node)[0];
}
