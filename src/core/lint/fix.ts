// Fixes: building the common edits rules offer, and applying fixes to a text (`--fix`).
import type { Node } from './parser';
import type { Fix, RuleContext, TextEdit } from './rule';
import type { ValueFact } from './semantic';
import { FUNCTIONAL_NAME } from './semantic';
import { callArgs, named, receiver } from './semantic/syntax';

/**
 * Edits that remove the activation a fact points at: `torch.sigmoid(z)` → `z`, `z.sigmoid()` → `z`,
 * `self.act(z)` → `z`, or an `nn.Sigmoid()` element of an `nn.Sequential(...)` (with its comma).
 * Undefined when the origin has another shape.
 */
export function removeActivationEdits(ctx: RuleContext, fact: ValueFact): TextEdit[] | undefined {
  const origin = fact.origin;
  if (!origin || origin.type !== 'call' || origin.tree !== ctx.root.tree) return undefined;
  const list = origin.parent;
  if (list?.type === 'argument_list' && list.parent?.type === 'call' && ctx.semantic.calleeQualifiedName(list.parent) === 'torch.nn.Sequential') {
    return removeListElement(ctx, list, origin);
  }
  const args = callArgs(origin);
  const recv = receiver(origin);
  const qn = ctx.semantic.calleeQualifiedName(origin);
  // Function form or module call: the tensor is the first positional argument.
  if ((qn || !recv || ctx.semantic.objectOf(origin.childForFieldName('function')!).kind === 'module') && args.positional[0] && !args.splat) {
    return [{ start: origin.startIndex, end: origin.endIndex, newText: ctx.source(args.positional[0]) }];
  }
  // Method form `z.sigmoid()` / `z.softmax(dim=1)`.
  if (recv) return [{ start: origin.startIndex, end: origin.endIndex, newText: ctx.source(recv) }];
  return undefined;
}

function removeListElement(ctx: RuleContext, list: Node, element: Node): TextEdit[] {
  const items = named(list);
  const i = items.findIndex((n) => n.id === element.id);
  if (items.length === 1) return [{ start: element.startIndex, end: element.endIndex, newText: '' }];
  // Remove from the end of the previous element (its comma) so `a, b, Sigmoid()` → `a, b`.
  const start = i > 0 ? items[i - 1].endIndex : element.startIndex;
  const end = i > 0 ? element.endIndex : items[i + 1].startIndex;
  return [{ start, end, newText: '' }];
}

/**
 * Edits that turn a loss into another: `nn.BCELoss(...)` → `nn.BCEWithLogitsLoss(...)`,
 * `F.binary_cross_entropy` → `F.binary_cross_entropy_with_logits`. Only the last name is renamed,
 * so the module alias the user wrote stays; undefined when the loss was imported by bare name
 * (renaming would need a new import).
 */
export function renameLossEdits(ctx: RuleContext, definition: Node, from: string, to: string, functional: boolean): TextEdit[] | undefined {
  // A loss constructed in another file of the project: no edit of this text can change it.
  if (definition.tree !== ctx.root.tree) return undefined;
  const callee = definition.type === 'call' ? definition.childForFieldName('function') : definition;
  if (!callee || callee.type !== 'attribute') return undefined;
  const attr = callee.childForFieldName('attribute')!;
  const newName = functional ? FUNCTIONAL_NAME[to] : to;
  const oldName = functional ? FUNCTIONAL_NAME[from] : from;
  if (!newName || attr.text !== oldName) return undefined;
  return [{ start: attr.startIndex, end: attr.endIndex, newText: newName }];
}

/** Apply non-overlapping fixes (later ones that overlap an earlier one are skipped). */
export function applyFixes(text: string, fixes: Fix[]): { text: string; applied: number } {
  const edits: TextEdit[] = [];
  let applied = 0;
  const taken: TextEdit[] = [];
  for (const fix of fixes) {
    const overlaps = fix.edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end) || fix.edits.some((o) => o !== e && e.start < o.end && o.start < e.end));
    if (overlaps) continue;
    taken.push(...fix.edits);
    edits.push(...fix.edits);
    applied++;
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return { text: out, applied };
}

/**
 * Lint, apply safe fixes, and repeat until nothing changes (fixes may unlock others), at most `maxPasses`.
 * `lint` returns the safe fixes found in a text.
 */
export async function fixUntilStable(text: string, lint: (text: string) => Promise<Fix[]>, maxPasses = 4): Promise<{ text: string; applied: number }> {
  let current = text;
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const fixes = (await lint(current)).filter((f) => f.safe);
    if (!fixes.length) break;
    const { text: next, applied } = applyFixes(current, fixes);
    if (!applied || next === current) break;
    total += applied;
    current = next;
  }
  return { text: current, applied: total };
}
