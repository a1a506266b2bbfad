import type { Rule } from '../rule';
import type { Node } from '../parser';
import { calleeName, named, receiver, unparen } from '../semantic/syntax';

export const lossAccumulatedWithGraph: Rule = {
  code: 'LL203',
  slug: 'loss-accumulated-with-graph',
  name: 'Loss tensor accumulated with its graph',
  severity: 'warning',
  fixable: true,
  summary: 'A running total adds the loss tensor itself, keeping every iteration\'s graph alive: add loss.item().',
  docs: `## What it does
Flags a running total that adds the loss tensor (\`total += loss\`) while gradients are on.

## Why is this bad
A loss tensor carries its autograd graph (every activation of the batch). \`total += loss\` makes
\`total\` depend on all of them, so no graph is ever freed: memory grows every iteration until CUDA
runs out, and the epoch gets slower. \`loss.item()\` is a plain Python float.

## Example
\`\`\`python
total = 0
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
    total += loss
\`\`\`

## Use instead
\`\`\`python
total += loss.item()
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const lossCalls = new Set(sem.lossCalls().map((c) => c.call.id));
    // A name whose value `.backward()` is called on is a loss tensor whatever computed it (a
    // hand-written loss, a loss_fn parameter): the role is inferred from the use.
    const backwardOn = new Map<string, Node[]>();
    for (const call of sem.methodCalls('backward')) {
      const recv = receiver(call);
      if (recv?.type === 'identifier') backwardOn.set(recv.text, [...(backwardOn.get(recv.text) ?? []), call]);
    }
    const backwardInScope = (name: Node): boolean =>
      (backwardOn.get(name.text) ?? []).some((c) => sem.scopeOf(c).id === sem.scopeOf(name).id && !sem.inNoGrad(c));
    const isLossTensor = (expr: Node, depth = 0): boolean => {
      const e = unparen(expr);
      if (depth > 8) return false;
      if (e.type === 'identifier') {
        if (depth === 0 && backwardInScope(e) && !sem.inNoGrad(e)) return true;
        const defs = sem.definitions(e);
        // A loss computed under no_grad has no graph to keep alive.
        return defs.length > 0 && defs.every((d) => d !== undefined && !sem.inNoGrad(d) && isLossTensor(d, depth + 1));
      }
      if (e.type === 'call') {
        if (lossCalls.has(e.id)) return true;
        const name = calleeName(e);
        const recv = receiver(e);
        return (name === 'mean' || name === 'sum') && !!recv && isLossTensor(recv, depth + 1);
      }
      if (e.type === 'binary_operator') return named(e).some((p) => isLossTensor(p, depth + 1));
      return false;
    };
    for (const loop of sem.loops) {
      for (const stmt of named(loop.body)) {
        const assign = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
        if (assign?.type !== 'augmented_assignment' || assign.childForFieldName('operator')?.text !== '+=') continue;
        const right = assign.childForFieldName('right');
        const left = assign.childForFieldName('left');
        if (!right || !left || sem.inNoGrad(assign) || !isLossTensor(right)) continue;
        // `loss += loss_fn(out[i], y[i])` then `loss.backward()`: building the loss, not a running total.
        // (A helper may sum the loss and return it to the caller that calls backward(): same name.)
        if (unparen(left).type === 'identifier' && (backwardOn.get(unparen(left).text) ?? []).some((c) => !sem.inNoGrad(c))) continue;
        const r = unparen(right);
        const fix =
          r.type === 'identifier'
            ? { title: 'Add .item()', edits: [{ start: r.endIndex, end: r.endIndex, newText: '.item()' }], safe: !ctx.text.includes(`${left.text}.`) }
            : undefined;
        ctx.report({ node: assign, message: `${left.text} += a loss tensor keeps every iteration's autograd graph alive: add ${r.type === 'identifier' ? `${r.text}.item()` : '.item()'}.`, fix });
      }
    }
  },
};
