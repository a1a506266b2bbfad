import type { Rule } from '../rule';
import type { Node } from '../parser';
import { describeOrigin } from './shared';
import { callArgs, calleeName, unparen } from '../semantic/syntax';

/** Model names that mean reconstruction, where MSE on sigmoid outputs is right. */
const RECONSTRUCTION = /auto.?enc|decoder|vae|recon|generator/i;

export const mseForClassification: Rule = {
  code: 'LL105',
  slug: 'mse-for-classification',
  name: 'MSE loss for classification',
  severity: 'warning',
  fixable: false,
  summary: 'MSELoss on class probabilities or one-hot labels learns slowly: use a cross-entropy loss on logits.',
  docs: `## What it does
Flags \`nn.MSELoss\` / \`F.mse_loss\` that trains a classifier: its input is a sigmoid/softmax output,
or its targets are one-hot labels (\`F.one_hot(...)\`). Reconstruction models (autoencoders, whose
target is their own input) are left alone.

## Why is this bad
With \`ŷ = σ(z)\`, the MSE gradient with respect to the logit is \`∂/∂z (ŷ − y)² = 2(ŷ − y)·σ′(z)\`, and
\`σ′(z) = ŷ(1 − ŷ)\` goes to 0 when the sigmoid saturates. A confidently **wrong** prediction
(ŷ ≈ 0.999 for y = 0) therefore gets almost no gradient and is corrected very slowly. Binary
cross-entropy's gradient is simply \`ŷ − y\`: largest exactly when the model is most wrong.
MSE also has no probabilistic meaning for classes and is not convex in the logits.

## Example
\`\`\`python
criterion = nn.MSELoss()
loss = criterion(torch.sigmoid(model(x)), y)
\`\`\`

## Use instead
\`\`\`python
criterion = nn.BCEWithLogitsLoss()
loss = criterion(model(x), y)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    const sameAsModelInput = (input: Node, target: Node | undefined): boolean => {
      // `recon = model(x); mse(recon, x)`: reconstruction, not classification.
      if (!target) return false;
      let call: Node | undefined = unparen(input);
      if (call.type === 'identifier') {
        const defs = sem.definitions(call);
        call = defs.length === 1 ? defs[0] : undefined;
      }
      const arg = call?.type === 'call' ? callArgs(call).positional[0] : undefined;
      return !!arg && unparen(arg).text === unparen(target).text;
    };
    const isOneHot = (target: Node | undefined): boolean => {
      if (!target) return false;
      let t = unparen(target);
      if (t.type === 'identifier') {
        const defs = sem.definitions(t);
        if (defs.length !== 1 || !defs[0]) return false;
        t = unparen(defs[0]);
      }
      while (t.type === 'call' && t.childForFieldName('function')?.type === 'attribute' && sem.calleeQualifiedName(t) === undefined) {
        const recv = t.childForFieldName('function')!.childForFieldName('object');
        if (!recv) break;
        t = unparen(recv); // `F.one_hot(y).float()`
      }
      return t.type === 'call' && (sem.calleeQualifiedName(t) === 'torch.nn.functional.one_hot' || isOneHotHelper(t));
    };
    // `def one_hot(label, depth=10): out = torch.zeros(...); out.scatter_(1, idx, 1); return out`:
    // a helper of this file named for one-hot encoding that scatters ones (or calls F.one_hot).
    const isOneHotHelper = (call: Node): boolean => {
      const fn = call.childForFieldName('function');
      const def = fn?.type === 'identifier' && /one_?hot/i.test(fn.text) ? sem.functions.get(fn.text) : undefined;
      if (!def) return false;
      return sem.index.within(def, 'call').some((c) => {
        const name = calleeName(c);
        return name === 'scatter_' || name === 'scatter' || sem.calleeQualifiedName(c) === 'torch.nn.functional.one_hot';
      });
    };
    // MSE on probabilities next to a classification loss in the same function is an auxiliary term
    // (consistency regularisation, distillation), not the classifier's loss.
    const CLASSIFICATION = new Set(['BCEWithLogitsLoss', 'BCELoss', 'CrossEntropyLoss', 'NLLLoss']);
    const besideClassificationLoss = (call: Node): boolean =>
      sem.lossCalls().some((other) => CLASSIFICATION.has(other.loss) && sem.scopeOf(other.call).id === sem.scopeOf(call).id);
    for (const call of sem.torchInScope ? sem.lossCalls() : []) {
      if (call.loss !== 'MSELoss' || !call.input) continue;
      const fact = sem.valueOf(call.input);
      if (fact.model && RECONSTRUCTION.test(fact.model)) continue;
      if (isOneHot(call.target)) {
        ctx.report({ node: call.call, message: 'MSELoss on one-hot class labels: use CrossEntropyLoss on logits with class-index targets.' });
      } else if ((fact.kind === 'sigmoid' || fact.kind === 'softmax') && !sameAsModelInput(call.input, call.target) && !besideClassificationLoss(call.call)) {
        const loss = fact.kind === 'sigmoid' ? 'BCEWithLogitsLoss' : 'CrossEntropyLoss';
        ctx.report({ node: call.call, message: `MSELoss on ${describeOrigin(ctx, fact, fact.kind)} output trains a classifier slowly: use ${loss} on the logits.` });
      }
    }
  },
};
