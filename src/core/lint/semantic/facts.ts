// The vocabulary the semantic layer speaks: what a tensor value is known to be, and what an
// expression denotes (a loss, a module, an optimizer…). Rules must stay silent on `unknown`.
import type { Node } from '../parser';

/**
 * What a tensor value is known to be, as far as classification heads go.
 * - `logits`: raw output of a model/linear layer with no activation on its path.
 * - `sigmoid` / `softmax` / `logSoftmax`: that activation was applied last.
 * - `relu`: a non-negative activation (ReLU, ReLU6, Softplus) was applied last.
 * - `unknown`: anything else — rules stay silent.
 */
export type ValueKind = 'sigmoid' | 'softmax' | 'logSoftmax' | 'relu' | 'logits' | 'unknown';

export interface ValueFact {
  kind: ValueKind;
  /**
   * Where the activation was applied: a call (`torch.sigmoid(z)`, `z.sigmoid()`, `self.act(z)`) or,
   * inside an `nn.Sequential(...)`, the layer's constructor call (`nn.Sigmoid()`).
   */
  origin?: Node;
  /**
   * How the value reached the expression asked about: `inline` (the expression itself applies it),
   * `variable` (through assignments or a helper function in this file), `model` (inside a model's
   * `forward` or an `nn.Sequential`). Fixes that rewrite the origin are only safe for `inline`.
   */
  via: 'inline' | 'variable' | 'model';
  /** For `via: 'model'`: the model's class name or `nn.Sequential`. */
  model?: string;
  /** The activation sits in another file of the project: where (project path, 1-based line). */
  elsewhere?: { path: string; line: number };
}

export const UNKNOWN: ValueFact = Object.freeze({ kind: 'unknown', via: 'inline' }) as ValueFact;

export const isProbability = (f: ValueFact): boolean => f.kind === 'sigmoid' || f.kind === 'softmax';

/** Canonical loss names (the `torch.nn` class name; functional forms map onto them). */
export type LossName = string;

/** An `nn.Module` subclass defined in the analysed file. */
export interface ModuleClass {
  name: string;
  node: Node; // class_definition
  /** Base classes that are module classes of this file (for inherited forward/attributes). */
  bases: ModuleClass[];
  /** `self.<attr> = <value>` in any method, value nodes in source order (own class, then bases). */
  attributes: Map<string, Node[]>;
  /** The `forward` function_definition (own or inherited). */
  forward?: Node;
  methods: Map<string, Node>;
}

/** A module instance: a layer (`nn.Linear(...)`), an `nn.Sequential` or a model of a local class. */
export interface ModuleInfo {
  /** `torch.nn.Linear`, `torch.nn.Sequential`, or the local class name. */
  qname: string;
  /** The constructor call (or the class definition for `self`). */
  node: Node;
  /** `nn.Sequential` children, in order; undefined when not a Sequential or not statically known. */
  children?: ModuleInfo[];
  cls?: ModuleClass;
  /** The semantic model of the file defining `cls` when it is another file of the project. */
  owner?: ExternalModel;
}

/** The part of another file's SemanticModel that cross-file answers use (kept structural to avoid a cycle). */
export interface ExternalModel {
  /** The file's path in the project (set by LintProject). */
  path?: string;
  /** 1-based line of an offset in this file. */
  lineAt(offset: number): number;
  readonly moduleClasses: Map<string, ModuleClass>;
  readonly functions: Map<string, Node>;
  returnsOf(fn: Node): ValueFact;
  objectOfReturns(fn: Node): TorchObject;
  moduleOutput(module: ModuleInfo, call?: Node): ValueFact;
}

/**
 * Resolves a name imported from the project's own modules (`from model import Net` → `model.Net`,
 * `from .utils import one_hot` → `.utils.one_hot`) to the model of the file defining it and the
 * name there. Undefined when the module is not a file of the project (torch, numpy, …).
 */
export interface ModuleResolver {
  lookup(qualified: string): { model: ExternalModel; name: string } | undefined;
  /** The model of the file a node belongs to (for arguments bound from another file's call). */
  modelOfNode?(node: Node): ForeignModel | undefined;
  /** Calls of a module-level function of this file made by the files importing it. */
  callersOf?(fnName: string): { model: ForeignModel; calls: Node[] }[];
}

/** Another file's model answering for its own nodes. */
export interface ForeignModel {
  valueOf(expr: Node): ValueFact;
  objectOf(expr: Node): TorchObject;
  qualifiedName(node: Node): string | undefined;
  definitions(identifier: Node): (Node | undefined)[];
  declarationOf(identifier: Node): 'definition' | 'import' | 'builtin' | undefined;
  inNoGrad(node: Node): boolean;
  scopeOf(node: Node): Node;
}

/** What an expression denotes. */
export type TorchObject =
  | { kind: 'loss'; loss: LossName; functional: boolean; node: Node }
  | { kind: 'module'; module: ModuleInfo }
  | { kind: 'optimizer'; qname: string; node: Node }
  | { kind: 'scaler'; node: Node }
  | { kind: 'unknown' };

export const UNKNOWN_OBJECT: TorchObject = Object.freeze({ kind: 'unknown' }) as TorchObject;

/** A call of a loss: `criterion(out, y)` or `F.cross_entropy(out, y)`. */
export interface LossCall {
  call: Node;
  loss: LossName;
  functional: boolean;
  /** The constructor call `nn.BCELoss(...)` or, for functional losses, the callee reference. */
  definition: Node;
  input?: Node;
  target?: Node;
}
