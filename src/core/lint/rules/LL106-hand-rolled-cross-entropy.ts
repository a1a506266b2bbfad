import type { Rule } from '../rule';
import type { Node } from '../parser';
import { callArgs, calleeName, receiver, statementOf, unparen, walk } from '../semantic/syntax';

export const handRolledCrossEntropy: Rule = {
  code: 'LL106',
  slug: 'hand-rolled-cross-entropy',
  name: 'Hand-rolled cross-entropy',
  severity: 'warning',
  fixable: false,
  summary: 'Cross-entropy written with torch.log(p) and no clamp gives inf/NaN when p reaches 0 or 1.',
  docs: `## What it does
Flags cross-entropy computed by hand — \`y * torch.log(p)\`, \`(1 - y) * torch.log(1 - p)\` — where the
argument of the log is not clamped or offset by an epsilon.

## Why is this bad
In float32, \`σ(z)\` rounds to exactly 1.0 for z > ~17 and to 0 for very negative z. Then
\`log(1 − p) = −inf\`, \`0 · −inf = NaN\`, and one NaN poisons every weight on the next step. The
built-in losses work on logits with the log-sum-exp trick (\`log σ(z) = −softplus(−z)\`), so they are
exact and finite everywhere.

## Example
\`\`\`python
p = torch.sigmoid(model(x))
loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
\`\`\`

## Use instead
\`\`\`python
loss = F.binary_cross_entropy_with_logits(model(x), y)
# multi-class: F.cross_entropy(logits, labels)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope) return;
    const logArgument = (call: Node): Node | undefined => {
      const qn = sem.calleeQualifiedName(call);
      if (qn === 'torch.log') return callArgs(call).positional[0];
      const fn = call.childForFieldName('function');
      if (!qn && fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'log' && callArgs(call).positional.length === 0) return receiver(call);
      return undefined;
    };
    const guarded = (arg: Node): boolean => {
      let found = false;
      walk(arg, (n) => {
        if (found) return false;
        if (n.type === 'call' && /^(clamp|clamp_|clamp_min|clip|max|min|maximum|minimum|nan_to_num)$/.test(calleeName(n) ?? '')) found = true;
        if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '+') found = true;
        if (n.type === 'identifier' && /eps|epsilon/i.test(n.text)) found = true;
        if (n.type === 'float' && Number(n.text) > 0 && Number(n.text) < 1e-2) found = true;
      });
      if (found) return true;
      const a = unparen(arg);
      if (a.type === 'identifier') {
        return sem.definitions(a).some((d) => d !== undefined && guarded(d));
      }
      return false;
    };
    const reported = new Set<number>();
    for (const call of sem.calls) {
      const arg = logArgument(call);
      if (!arg || guarded(arg)) continue;
      // A product `y * log(p)` with something other than p itself (p·log p is entropy, not CE).
      const parent = call.parent?.type === 'parenthesized_expression' ? call.parent.parent : call.parent;
      if (parent?.type !== 'binary_operator' || parent.childForFieldName('operator')?.text !== '*') continue;
      const other = [parent.childForFieldName('left'), parent.childForFieldName('right')].find((n) => n && !(n.startIndex <= call.startIndex && call.endIndex <= n.endIndex));
      if (!other || unparen(other).text === unparen(arg).text || other.type === 'integer' || other.type === 'float') continue;
      const stmt = statementOf(call);
      if (reported.has(stmt.id)) continue;
      // It must be a loss: negated or reduced (`-(...)`, `.mean()`, `torch.sum(...)`).
      if (!/^\s*[\w.[\]]*\s*[+-]?=\s*-|-\s*\(|\bsum\b|\bmean\b/.test(ctx.source(stmt))) continue;
      reported.add(stmt.id);
      ctx.report({ node: call, message: 'Cross-entropy written by hand with an unclamped log: use BCEWithLogitsLoss / CrossEntropyLoss on logits (or clamp p).' });
    }
  },
};
