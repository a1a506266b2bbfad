// What a value may be along each path that reaches it, where the semantic model's single answer is
// `unknown` because the paths disagree: `criterion` built as CrossEntropyLoss in one branch and
// BCEWithLogitsLoss in the other, a `net` that is UNet, UNet2Plus or UNet3Plus depending on an
// argument. Rules use these only where every alternative leads to the same verdict (see LL101).
import type { Node } from '../parser';
import { UNKNOWN, UNKNOWN_OBJECT, type TorchObject, type ValueFact } from '../semantic/facts';
import type { SemanticModel } from '../semantic/model';
import { unparen } from '../semantic/syntax';

/** Paths followed through assignments, parameters and call sites, at most (bounded work per edit). */
const MAX_DEPTH = 6;
/** Alternatives collected per question, at most: past this the answer is "unknown". */
const MAX_ALTERNATIVES = 16;

/** The objects `expr` may denote, one per path through its definitions; [unknown] when a path is not known. */
export function objectAlternatives(sem: SemanticModel, expr: Node, depth = 0): TorchObject[] {
  const e = unparen(expr);
  const object = sem.objectOf(e);
  if (object.kind !== 'unknown' || e.type !== 'identifier' || depth >= MAX_DEPTH || sem.qualifiedName(e)) return [object];
  const defs = sem.definitions(e);
  if (!defs.length || defs.length > MAX_ALTERNATIVES) return [UNKNOWN_OBJECT];
  return capped(defs.flatMap((d) => (d ? objectAlternatives(sem, d, depth + 1) : [UNKNOWN_OBJECT])), UNKNOWN_OBJECT);
}

/** The value facts `expr` may have, one per path: through definitions, and calls of models that may be several. */
export function valueAlternatives(sem: SemanticModel, expr: Node, depth = 0): ValueFact[] {
  const e = unparen(expr);
  const fact = sem.valueOf(e);
  if (fact.kind !== 'unknown' || depth >= MAX_DEPTH) return [fact];
  if (e.type === 'identifier') {
    if (sem.qualifiedName(e)) return [fact];
    const defs = sem.definitions(e);
    if (!defs.length || defs.length > MAX_ALTERNATIVES) return [UNKNOWN];
    return capped(defs.flatMap((d) => (d ? valueAlternatives(sem, d, depth + 1) : [UNKNOWN])), UNKNOWN);
  }
  if (e.type === 'call') {
    // `net(x)` where `net` may be one of several models: what each of them returns.
    const fn = e.childForFieldName('function');
    if (!fn || fn.type !== 'identifier') return [fact];
    const models = objectAlternatives(sem, fn, depth + 1);
    if (models.length < 2) return [fact];
    return models.map((o) => (o.kind === 'module' ? sem.moduleOutput(o.module, e) : UNKNOWN));
  }
  return [fact];
}

function capped<T>(list: T[], unknown: T): T[] {
  return list.length > MAX_ALTERNATIVES ? [unknown] : list;
}
