// Import resolution: which local names stand for which Python modules/objects, so that rules match
// `torch.nn.Sigmoid` however it was spelled (`nn.Sigmoid`, `Sigmoid`, `torch.nn.modules.activation.Sigmoid`).
import type { Node } from '../parser';
import { named, walk } from './syntax';
import type { TreeIndex } from './tree-index';

/** Spellings that name the same object; the right side is what rules compare against. */
const CANONICAL_SPELLINGS: Record<string, string> = {
  'torch.nn.functional.sigmoid': 'torch.sigmoid',
  'torch.special.expit': 'torch.sigmoid',
  'torch.nn.functional.tanh': 'torch.tanh',
  'torch.special.softmax': 'torch.softmax',
  'torch.nn.functional.softmax': 'torch.softmax',
  'torch.special.log_softmax': 'torch.log_softmax',
  'torch.nn.functional.log_softmax': 'torch.log_softmax',
  'torch.nn.functional.relu': 'torch.relu',
  'torch.nn.modules.module.Module': 'torch.nn.Module',
  'pytorch_lightning.LightningModule': 'torch.nn.Module',
  'lightning.pytorch.LightningModule': 'torch.nn.Module',
  'lightning.LightningModule': 'torch.nn.Module',
  'pytorch_lightning.core.LightningModule': 'torch.nn.Module',
  'pytorch_lightning.core.lightning.LightningModule': 'torch.nn.Module',
  'pytorch_lightning.core.module.LightningModule': 'torch.nn.Module',
  'lightning.pytorch.core.LightningModule': 'torch.nn.Module',
  'torch.cuda.amp.GradScaler': 'torch.amp.GradScaler',
};
/** As a Map: looked up once per qualified name built, and a plain object would also answer for inherited keys (`constructor`). */
const CANONICAL = new Map(Object.entries(CANONICAL_SPELLINGS));
/** `torch.nn.modules.loss.BCELoss` → `torch.nn.BCELoss`. */
const NN_SUBMODULE = 'torch.nn.modules.';

export function canonical(qualified: string): string {
  if (qualified.startsWith(NN_SUBMODULE)) {
    const rest = qualified.slice(NN_SUBMODULE.length);
    qualified = 'torch.nn.' + rest.slice(rest.indexOf('.') + 1);
  }
  return CANONICAL.get(qualified) ?? qualified;
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement']);

export class ImportTable {
  /** local name → fully qualified name (`nn` → `torch.nn`, `F` → `torch.nn.functional`). */
  readonly bindings = new Map<string, string>();
  /** Every module imported anywhere (`torch`, `torch.nn`, `numpy`, …). */
  readonly modules = new Set<string>();
  /** Modules imported with `from m import *`: names that bind nothing visible in this file. */
  readonly starImports: string[] = [];

  constructor(root: Node, index?: TreeIndex) {
    if (index) {
      // Source order: a later import of the same name wins.
      index.types.forEach((type, i) => {
        if (type === 'import_statement') this.addImport(index.nodes[i]);
        else if (type === 'import_from_statement') this.addFromImport(index.nodes[i]);
      });
      return;
    }
    walk(
      root,
      (node) => {
        if (node.type === 'import_statement') this.addImport(node);
        else this.addFromImport(node);
        return false;
      },
      IMPORT_TYPES,
    );
  }

  /** True when the file imports torch (or anything under it): torch rules run only then. */
  get torchInScope(): boolean {
    for (const m of this.modules) if (m === 'torch' || m.startsWith('torch.')) return true;
    return false;
  }

  resolve(localName: string): string | undefined {
    return this.bindings.get(localName);
  }

  private addImport(node: Node): void {
    for (const item of named(node)) {
      if (item.type === 'dotted_name') {
        // `import torch.nn` binds `torch`, and makes `torch.nn.X` resolvable through it.
        this.modules.add(item.text);
        const top = item.text.split('.')[0];
        this.bindings.set(top, top);
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) {
          this.modules.add(name);
          this.bindings.set(alias, name);
        }
      }
    }
  }

  private addFromImport(node: Node): void {
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    // `from .utils import x` → `.utils.x`, `from . import x` → `.x`: the project index resolves
    // the leading dots against the importing file's folder. Relative modules are never torch.
    const relative = moduleNode.type === 'relative_import';
    const module = moduleNode.text.replace(/\s/g, '');
    const join = (name: string) => (module.endsWith('.') ? `${module}${name}` : `${module}.${name}`);
    if (!relative) this.modules.add(module);
    for (const item of named(node)) {
      if (item.id === moduleNode.id) continue;
      if (item.type === 'wildcard_import') this.starImports.push(module);
      else if (item.type === 'dotted_name') {
        this.bindings.set(item.text, join(item.text));
        if (!relative) this.modules.add(join(item.text));
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) this.bindings.set(alias, join(name));
      }
    }
  }
}
