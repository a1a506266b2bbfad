import type { Rule, RuleContext } from '../rule';
import type { LossCall, ValueFact } from '../semantic';
import { removeActivationEdits } from '../fix';
import { argument } from '../semantic/syntax';
import { objectAlternatives, valueAlternatives } from '../torch/alternatives';
import { describeOrigin, lossInputs } from './shared';

/** Losses that take logits: a sigmoid before any of them is wrong. */
const LOGIT_LOSSES = new Set(['BCEWithLogitsLoss', 'CrossEntropyLoss']);

export const sigmoidBeforeBceWithLogits: Rule = {
  code: 'LL101',
  slug: 'sigmoid-before-bce-with-logits',
  name: 'Sigmoid before BCEWithLogitsLoss',
  severity: 'error',
  fixable: true,
  summary: 'BCEWithLogitsLoss applies its own sigmoid: passing it probabilities squashes them twice.',
  docs: `## What it does
Flags a sigmoid (\`torch.sigmoid\`, \`F.sigmoid\`, \`x.sigmoid()\`, an \`nn.Sigmoid()\` at the end of an
\`nn.Sequential\` or applied in \`forward\`) whose output reaches \`nn.BCEWithLogitsLoss\` or
\`F.binary_cross_entropy_with_logits\`. Where the loss or the model depends on a branch (\`CrossEntropyLoss\` or
\`BCEWithLogitsLoss\` by the number of outputs; one of several models by an argument), it flags a sigmoid on
any path into a \`BCEWithLogitsLoss\` when every loss on those paths takes logits.

## Why is this bad
\`BCEWithLogitsLoss(z, y)\` computes \`BCE(σ(z), y)\` in one numerically stable step, so it expects raw
scores (logits) in (−∞, ∞). Given \`σ(z)\` it computes \`BCE(σ(σ(z)), y)\`: every input lies in (0, 1),
so the predicted probability is stuck in (0.5, 0.73). The loss can never go near zero, the gradient
\`σ(σ(z)) − y\` is further scaled by \`σ′(z)\` and vanishes when \`z\` saturates, and training stalls
with accuracy that looks "almost right".

## Example
\`\`\`python
criterion = nn.BCEWithLogitsLoss()
probs = torch.sigmoid(model(x))
loss = criterion(probs, y)
\`\`\`

## Use instead
\`\`\`python
criterion = nn.BCEWithLogitsLoss()
logits = model(x)
loss = criterion(logits, y)
probs = torch.sigmoid(logits)  # only for predictions and metrics
\`\`\`
`,
  check(ctx) {
    // The diagnostic sits where the fix goes — the sigmoid — and links to every loss call it reaches
    // (relatedInformation); an activation in another file is reported at the loss input instead.
    const byOrigin = new Map<number, { fact: ValueFact; calls: LossCall[] }>();
    for (const { call, fact } of lossInputs(ctx, ['BCEWithLogitsLoss'])) {
      if (fact.kind !== 'sigmoid') continue;
      const origin = fact.origin && fact.origin.tree === ctx.root.tree ? fact.origin : undefined;
      if (!origin) {
        // In another file: reported here, linked to where the sigmoid is.
        const related = fact.elsewhere ? [{ path: fact.elsewhere.path, line: fact.elsewhere.line, message: `the sigmoid to remove` }] : undefined;
        ctx.report({ related, node: call.input!, message: `${describeOrigin(ctx, fact, 'sigmoid')} reaches BCEWithLogitsLoss, which applies its own sigmoid: pass the logits.` });
        continue;
      }
      const group = byOrigin.get(origin.id) ?? { fact, calls: [] };
      group.calls.push(call);
      byOrigin.set(origin.id, group);
    }
    for (const { fact, calls } of byOrigin.values()) {
      const edits = removeActivationEdits(ctx, fact);
      const others = calls.length - 1;
      const lines = `${ctx.lineOf(calls[0].call)})${others ? ` and ${others} other loss call${others > 1 ? 's' : ''}` : ''}`;
      const what = fact.via === 'model' && fact.model === 'nn.Sequential' ? 'this sigmoid at the end of an nn.Sequential' : fact.via === 'model' && fact.model ? `this sigmoid in ${fact.model}.forward` : 'this sigmoid';
      ctx.report({
        node: fact.origin!,
        message: `${what} reaches BCEWithLogitsLoss (line ${lines}, which applies its own sigmoid: pass the logits.`,
        fix: edits && { title: 'Remove the sigmoid (pass logits)', edits, safe: fact.via === 'inline' && calls.length === 1 },
        related: calls.map((c) => ({ node: c.call, message: `BCEWithLogitsLoss receives the sigmoid output here` })),
      });
    }
    reportBranchDependent(ctx);
  },
};

/**
 * Paths that disagree: `criterion` is CrossEntropyLoss or BCEWithLogitsLoss depending on a branch,
 * or the model is one of several (`net = UNet(...)` / `UNet3Plus(...)`), so the model's single
 * answer is unknown. When every loss on the paths takes logits and one is BCEWithLogitsLoss, a
 * sigmoid on any path into it is wrong whenever that path runs. Silent when a path's loss wants
 * probabilities (BCELoss): the sigmoid may be meant for it.
 */
function reportBranchDependent(ctx: RuleContext): void {
  const sem = ctx.semantic;
  if (!sem.torchInScope || !/BCEWithLogits|binary_cross_entropy_with_logits/.test(ctx.text)) return;
  for (const call of sem.calls) {
    const fn = call.childForFieldName('function');
    const input = fn && argument(call, 0, 'input');
    if (!fn || !input) continue;
    const single = sem.objectOf(fn);
    // One loss and a known input: the path above has decided.
    if (single.kind === 'loss' && sem.valueOf(input).kind !== 'unknown') continue;
    if (single.kind !== 'loss' && (fn.type !== 'identifier' || single.kind !== 'unknown')) continue;
    const losses = single.kind === 'loss' ? [single] : objectAlternatives(sem, fn);
    if (losses.length < 1 || !losses.every((o) => o.kind === 'loss' && LOGIT_LOSSES.has(o.loss))) continue;
    if (!losses.some((o) => o.kind === 'loss' && o.loss === 'BCEWithLogitsLoss')) continue;
    const seen = new Set<string>();
    const sigmoids = valueAlternatives(sem, input).filter((f) => {
      const key = f.origin ? `@${f.origin.startIndex}` : f.elsewhere ? `${f.elsewhere.path}:${f.elsewhere.line}` : '';
      if (f.kind !== 'sigmoid' || !key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!sigmoids.length) continue;
    const where = sigmoids.map((f) => describeOrigin(ctx, f, 'sigmoid')).join('; ');
    const loss = losses.length > 1 ? 'a loss that is BCEWithLogitsLoss on one path' : 'BCEWithLogitsLoss';
    ctx.report({
      node: input,
      message: `${ctx.source(input)} is, on one of its paths, ${where}, and reaches ${loss}, which applies its own sigmoid: pass the logits.`,
      related: sigmoids.map((f) =>
        f.origin && f.origin.tree === ctx.root.tree
          ? { node: f.origin, message: 'a sigmoid that reaches BCEWithLogitsLoss' }
          : { path: f.elsewhere!.path, line: f.elsewhere!.line, message: 'a sigmoid that reaches BCEWithLogitsLoss' },
      ).filter((r) => 'node' in r || r.path),
    });
  }
}
