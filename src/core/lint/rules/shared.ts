// Helpers shared by the output/loss rules.
import type { RuleContext } from '../rule';
import type { LossCall, ValueFact } from '../semantic';

/** "torch.sigmoid on line 12", "the last layer of nn.Sequential (line 4)", "Net.forward (line 9)". */
export function describeOrigin(ctx: RuleContext, fact: ValueFact, what: string): string {
  const line = fact.origin ? ` (line ${ctx.lineOf(fact.origin)})` : fact.elsewhere ? ` (${fact.elsewhere.path}:${fact.elsewhere.line})` : '';
  if (fact.via === 'model' && fact.model === 'nn.Sequential') return `the ${what} at the end of an nn.Sequential${line}`;
  if (fact.via === 'model' && fact.model) return `the ${what} in ${fact.model}.forward${line}`;
  if (fact.via === 'variable') return `a ${what} applied earlier${line}`;
  return `a ${what}`;
}

/** Loss calls of the given losses whose input fact is known, when torch is imported. */
export function lossInputs(ctx: RuleContext, losses: string[]): { call: LossCall; fact: ValueFact }[] {
  if (!ctx.semantic.torchInScope) return [];
  const out: { call: LossCall; fact: ValueFact }[] = [];
  for (const call of ctx.semantic.lossCalls()) {
    if (!losses.includes(call.loss) || !call.input) continue;
    const fact = ctx.semantic.valueOf(call.input);
    if (fact.kind !== 'unknown') out.push({ call, fact });
  }
  return out;
}

/** A loss definition is only safely renamed when this is its one call site and nothing else reads it. */
export function soleUse(ctx: RuleContext, call: LossCall): boolean {
  if (call.definition.tree !== ctx.root.tree) return false;
  return call.functional || ctx.semantic.usesOfLoss(call.definition).length === 1;
}
