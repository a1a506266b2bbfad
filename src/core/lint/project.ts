// The project index: the files of one workspace folder (or of the paths given to the CLI), so that
// `from model import Net`, `from .utils import one_hot`, `import config` resolve to the files that
// define them. Each file is parsed and analysed once per version of its text and reused by every
// file that imports it; editing a file drops the analyses of the files that import it (directly
// or not), and `importersOf` says which open files to re-lint. Paths are POSIX-style and relative
// to the project root (any consistent spelling works: the index only compares them).
import { PythonDocument, initParser } from './parser';
import { lintDocument, type Diagnostic, type LintOptions } from './lint';
import { mapToCell, notebookSource, type NotebookSource } from './notebook';
import { ImportTable, SemanticModel } from './semantic';
import type { ExternalModel, ModuleResolver } from './semantic/facts';
import type { Node } from './parser';

interface Entry {
  text: string;
  version: number;
  notebook?: NotebookSource;
  doc?: PythonDocument;
  model?: SemanticModel;
  /** The import table alone (cheaper than a model) when only imports are asked for. */
  importTable?: ImportTable;
  /** Project files this one imports (resolved). */
  imports?: Set<string>;
}

/** A lookup through several files gives up past this many hops (re-exports, chains of helpers). */
const MAX_HOPS = 4;

export class LintProject {
  private readonly files = new Map<string, Entry>();
  private version = 0;
  /** Models by tree, to answer for nodes that belong to another file. */
  private readonly modelByTree = new WeakMap<object, SemanticModel>();
  private hops = 0;
  /**
   * `file\0name` → the project files importing `name` from `file`, with their local name. Built
   * once per set of files; after an edit only the edited files' own imports are redone (what an
   * import resolves to depends on which files exist, not on their text).
   */
  private importIndex?: { fileSet: number; map: Map<string, { path: string; local: string }[]>; keysOf: Map<string, string[]> };
  /** Bumped when a file is added or removed. */
  private fileSet = 0;
  /** Files whose text changed since the import index last saw them. */
  private readonly importsChanged = new Set<string>();

  /** Adds or updates a file; returns false when the text is unchanged (its analysis is kept). */
  setFile(path: string, text: string): boolean {
    const key = normalize(path);
    const old = this.files.get(key);
    if (old && old.text === text) return false;
    const stale = old ? this.dependentsOf(key) : this.allResolved();
    if (old) this.importsChanged.add(key);
    else this.fileSet++;
    if (old?.doc && !old.notebook) {
      // The editor's path: one edit → an incremental re-parse of the kept tree, not a fresh parse.
      old.doc.update(text);
      this.forget(old);
      old.text = text;
      old.version = ++this.version;
    } else {
      if (old) this.drop(old);
      this.files.set(key, { text, version: ++this.version });
    }
    // A new file can change what an import resolves to; a changed one what its importers see.
    for (const p of stale) {
      const e = this.files.get(p);
      if (e && p !== key) this.forget(e);
    }
    return true;
  }

  removeFile(path: string): void {
    const key = normalize(path);
    const old = this.files.get(key);
    if (!old) return;
    const stale = this.dependentsOf(key);
    this.drop(old);
    this.files.delete(key);
    this.fileSet++;
    for (const p of stale) {
      const e = this.files.get(p);
      if (e) this.forget(e);
    }
  }

  has(path: string): boolean {
    return this.files.has(normalize(path));
  }

  get paths(): string[] {
    return [...this.files.keys()];
  }

  /** Files that import `path`, directly or through other project files (to re-lint after an edit). */
  importersOf(path: string): string[] {
    return [...this.dependentsOf(normalize(path))].filter((p) => p !== normalize(path));
  }

  /** Lints one file of the project with cross-file answers (a .ipynb is linted as one module). */
  async lint(path: string, opts: LintOptions = {}): Promise<Diagnostic[]> {
    await initParser();
    return this.lintSync(path, opts);
  }

  /** Synchronous lint (requires `initParser()` to have resolved): the editor's warm path. */
  lintSync(path: string, opts: LintOptions = {}): Diagnostic[] {
    const key = normalize(path);
    const entry = this.files.get(key);
    if (!entry) throw new Error(`${path} is not a file of this lint project`);
    const doc = this.documentOf(key, entry);
    const found = lintDocument(doc, { ...opts, resolver: this.resolverFor(key) });
    return entry.notebook ? found.map((d) => mapToCell(d, entry.notebook!)).filter((d): d is Diagnostic => !!d) : found;
  }

  /** The analysis of a file, built once per version of its text. */
  modelOf(path: string): SemanticModel | undefined {
    const key = normalize(path);
    const entry = this.files.get(key);
    if (!entry) return undefined;
    if (!entry.model) {
      entry.model = new SemanticModel(this.documentOf(key, entry).root, this.resolverFor(key));
      entry.model.path = key;
      this.modelByTree.set(entry.model.root.tree, entry.model);
    }
    return entry.model;
  }

  dispose(): void {
    for (const e of this.files.values()) this.drop(e);
    this.files.clear();
  }

  // ───────────────────────────── resolution ─────────────────────────────

  private resolverFor(from: string): ModuleResolver {
    return {
      lookup: (qualified) => this.lookup(from, qualified),
      modelOfNode: (node) => this.modelByTree.get(node.tree),
      callersOf: (fnName) => this.callersOf(from, fnName),
    };
  }

  /** `model.Net` seen from `from` → the model of model.py and `Net`, following re-exports. */
  private lookup(from: string, qualified: string): { model: ExternalModel; name: string } | undefined {
    if (this.hops >= MAX_HOPS) return undefined;
    const dot = qualified.lastIndexOf('.');
    if (dot <= 0 && !qualified.startsWith('.')) return undefined;
    const moduleName = qualified.slice(0, dot) || '.';
    const name = qualified.slice(dot + 1);
    const file = this.resolveModule(from, moduleName);
    if (!file || file === from) return undefined;
    this.hops++;
    try {
      const model = this.modelOf(file);
      if (!model) return undefined;
      if (model.moduleClasses.has(name) || model.functions.has(name)) return { model, name };
      // `unet/__init__.py: from .UNet3Plus import UNet3Plus` — a re-export.
      const again = model.imports.resolve(name);
      return again ? this.lookup(file, again) : undefined;
    } finally {
      this.hops--;
    }
  }

  /** The project file a module name denotes from `from`: `a.b` → a/b.py or a/b/__init__.py, nearest folder first. */
  resolveModule(from: string, moduleName: string): string | undefined {
    const m = /^(\.*)(.*)$/.exec(moduleName)!;
    const dots = m[1].length;
    const rest = m[2] ? m[2].split('.') : [];
    const dir = dirOf(from);
    const bases: string[] = [];
    if (dots) {
      let base = dir;
      for (let i = 1; i < dots; i++) base = dirOf(base);
      bases.push(base);
    } else {
      // Absolute imports: the importing file's folder, then each folder above it (scripts run from there).
      for (let base = dir; ; base = dirOf(base)) {
        bases.push(base);
        if (!base) break;
      }
    }
    for (const base of bases) {
      const stem = [base, ...rest].filter(Boolean).join('/');
      for (const candidate of rest.length ? [`${stem}.py`, `${stem}/__init__.py`] : [`${stem ? stem + '/' : ''}__init__.py`]) {
        if (this.files.has(candidate)) return candidate;
      }
    }
    return undefined;
  }

  /**
   * Calls of `fnName` (a module-level function of `from`) in the files that import it, with the
   * model that can answer for their arguments. Used only when `from` itself never calls it.
   */
  private callersOf(from: string, fnName: string): { model: SemanticModel; calls: Node[] }[] {
    if (this.hops >= MAX_HOPS) return [];
    const out: { model: SemanticModel; calls: Node[] }[] = [];
    this.hops++;
    try {
      for (const { path, local } of this.importersByName().get(`${from}\0${fnName}`) ?? []) {
        if (path === from) continue;
        const model = this.modelOf(path);
        const calls = model?.callsOf(local) ?? [];
        if (model && calls.length) out.push({ model, calls });
      }
    } finally {
      this.hops--;
    }
    return out;
  }

  /** Who imports which name from which file, built from import tables once per project version. */
  private importersByName(): Map<string, { path: string; local: string }[]> {
    const index = this.importIndex;
    if (!index || index.fileSet !== this.fileSet) {
      const map = new Map<string, { path: string; local: string }[]>();
      const keysOf = new Map<string, string[]>();
      for (const [path, entry] of this.files) keysOf.set(path, this.addImporters(map, path, entry));
      this.importIndex = { fileSet: this.fileSet, map, keysOf };
      this.importsChanged.clear();
      return map;
    }
    if (this.importsChanged.size) {
      // Out with the edited files' entries, in with their new ones, each list back in the files'
      // order: the same index a rebuild would give.
      const touched = new Set<string>();
      for (const path of this.importsChanged) {
        for (const key of index.keysOf.get(path) ?? []) {
          touched.add(key);
          const list = index.map.get(key)!.filter((e) => e.path !== path);
          if (list.length) index.map.set(key, list);
          else index.map.delete(key);
        }
        const entry = this.files.get(path);
        const keys = entry ? this.addImporters(index.map, path, entry) : [];
        index.keysOf.set(path, keys);
        for (const key of keys) touched.add(key);
      }
      this.importsChanged.clear();
      const order = new Map([...this.files.keys()].map((p, i) => [p, i]));
      for (const key of touched) index.map.get(key)?.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
    }
    return index.map;
  }

  /** One file's imports into the index; the keys it added to. */
  private addImporters(map: Map<string, { path: string; local: string }[]>, path: string, entry: Entry): string[] {
    if (path.endsWith('.ipynb')) return [];
    const keys: string[] = [];
    for (const [local, qualified] of this.importTableOf(path, entry).bindings) {
      const dot = qualified.lastIndexOf('.');
      if (dot < 0) continue;
      const file = this.resolveModule(path, qualified.slice(0, dot) || '.');
      if (!file) continue;
      const key = `${file}\0${qualified.slice(dot + 1)}`;
      const list = map.get(key);
      if (list) list.push({ path, local });
      else map.set(key, [{ path, local }]);
      keys.push(key);
    }
    return keys;
  }

  private importTableOf(path: string, entry: Entry): ImportTable {
    if (entry.model) return entry.model.imports;
    entry.importTable ??= new ImportTable(this.documentOf(path, entry).root);
    return entry.importTable;
  }

  // ───────────────────────────── bookkeeping ─────────────────────────────

  private documentOf(key: string, entry: Entry): PythonDocument {
    if (!entry.doc) {
      if (key.endsWith('.ipynb')) entry.notebook = notebookSource(entry.text, key);
      entry.doc = new PythonDocument(entry.notebook ? entry.notebook.text : entry.text);
    }
    return entry.doc;
  }

  /** Project files whose analysis depends on `key`: its importers, transitively. */
  private dependentsOf(key: string): Set<string> {
    const out = new Set<string>([key]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [path, entry] of this.files) {
        if (out.has(path)) continue;
        const imports = this.importsOf(path, entry);
        for (const i of imports) {
          if (out.has(i)) {
            out.add(path);
            grew = true;
            break;
          }
        }
      }
    }
    return out;
  }

  /** Resolved project imports of a file (from its import table; cached per version). */
  private importsOf(path: string, entry: Entry): Set<string> {
    if (entry.imports) return entry.imports;
    const imports = new Set<string>();
    const table = entry.model?.imports ?? (entry.doc ? this.importTableOf(path, entry) : undefined);
    if (table) {
      for (const q of [...table.bindings.values(), ...table.modules]) {
        // `model.Net` → model.py; `.utils.one_hot` → utils.py next to it; `.x` → x.py or __init__.py.
        for (let name = q; name; ) {
          const file = this.resolveModule(path, name);
          if (file && file !== path) {
            imports.add(file);
            break;
          }
          const dot = name.lastIndexOf('.');
          const leading = /^\.*/.exec(name)![0];
          if (dot < leading.length) name = leading.length && name !== leading ? leading : '';
          else name = name.slice(0, dot);
        }
      }
      entry.imports = imports;
    }
    return imports;
  }

  private allResolved(): Set<string> {
    return new Set([...this.files].filter(([, e]) => e.model).map(([p]) => p));
  }

  /** Forget an analysis (kept text and parse): it is rebuilt on next use. */
  private forget(entry: Entry): void {
    entry.model = undefined;
    entry.imports = undefined;
    entry.importTable = undefined;
  }

  private drop(entry: Entry): void {
    entry.model = undefined;
    entry.imports = undefined;
    entry.importTable = undefined;
    entry.doc?.dispose();
    entry.doc = undefined;
    entry.notebook = undefined;
  }
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
