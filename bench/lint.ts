// `npx tsx bench/lint.ts`: the PyTorch linter's speed on realistic inputs, against the targets of
// the linter-performance issue. Inputs are built from the rule fixtures (test/fixtures/lint/**/*.py,
// names renamed per copy so a big file is one plausible module) plus a training script, into a
// 2,000-line and a 5,000-line file, and a 50-cell notebook.
//
//   --json          end with one JSON document {lint: {first_ms, warm_2000_ms, edit_ms, notebook_50_ms, heap_growth_mb, …}}
//   --repeats N     samples per median (default 15; first lint: N/3 child processes)
//   --edits N       edits for the memory check (default 1000; compared with the heap after 10)
//   --write-inputs DIR  write the generated inputs (lint2000.py, lint5000.py, notebook50.ipynb) and exit
//   --select LL1,LL2  lint with only these rule prefixes (e.g. to compare copies with different rule sets)
//   --against DIR   also measure another copy of src/core/lint (e.g. a snapshot before a change),
//                   interleaved with this one in the same process so machine load cancels out.
//                   DIR must contain its own node_modules/web-tree-sitter (a second wasm instance).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as current from '../src/core/lint';

type LintModule = typeof current;

// Capture every wasm memory tree-sitter creates, to watch the wasm heap (as test/unit/lint/memory.test.ts).
const memories: WebAssembly.Memory[] = [];
const OriginalMemory = WebAssembly.Memory;
(WebAssembly as unknown as { Memory: unknown }).Memory = class extends OriginalMemory {
  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    super(descriptor);
    memories.push(this);
  }
};

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
// `npm run bench --json` hands --json to npm, which passes it on only as npm_config_json.
const json = args.includes('--json') || process.env.npm_config_json === 'true';
const repeats = Number(flag('--repeats') ?? 15);
const editCount = Number(flag('--edits') ?? 1000);
const against = flag('--against');
const select = flag('--select')?.split(',');
const OPTS = select ? { config: { select } } : {};
const FIXTURES = 'test/fixtures/lint';

// ───────────────────────────── inputs ─────────────────────────────

const TRAINING_SCRIPT = `"""Train a small classifier on tabular data, with validation, early stopping and checkpoints."""
class TabularDataset(torch.utils.data.Dataset):
    def __init__(self, features, labels, transform=None):
        self.features = features
        self.labels = labels
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        x = self.features[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[index]


class ResidualBlock(nn.Module):
    def __init__(self, width, dropout=0.1):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return x + self.drop(F.gelu(self.fc(self.norm(x))))


class TabularNet(nn.Module):
    def __init__(self, d_in, width, depth, n_classes):
        super().__init__()
        self.stem = nn.Linear(d_in, width)
        self.blocks = nn.ModuleList([ResidualBlock(width) for _ in range(depth)])
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, n_classes))

    def forward(self, x):
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--checkpoint", default="best.pt")
    return parser.parse_args(argv)


def make_loaders(batch_size, seed=0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(4000, 12, generator=generator)
    w = torch.randn(12, 3, generator=generator)
    y = (X @ w).argmax(dim=1)
    dataset = TabularDataset(X, y)
    n_val = len(dataset) // 5
    train_set, val_set = torch.utils.data.random_split(dataset, [len(dataset) - n_val, n_val], generator=generator)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=batch_size)
    return train_loader, val_loader


def train_epoch(model, loader, criterion, optimizer, scheduler, device):
    model.train()
    running, seen = 0.0, 0
    for step, (xb, yb) in enumerate(loader):
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running += loss.item() * xb.size(0)
        seen += xb.size(0)
        if step % 50 == 0:
            print(f"step {step}: loss {loss.item():.4f}")
    return running / max(seen, 1)


@torch.no_grad()
def evaluate(model, loader, criterion, device):
    model.eval()
    total, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)
        total += criterion(logits, yb).item() * xb.size(0)
        correct += (logits.argmax(dim=1) == yb).sum().item()
        n += xb.size(0)
    return total / n, correct / n


def predict_proba(model, X):
    model.eval()
    with torch.inference_mode():
        return F.softmax(model(X), dim=1)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    train_loader, val_loader = make_loaders(args.batch_size)
    model = TabularNet(12, args.width, args.depth, 3).to(device)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr * 10, total_steps=args.epochs * len(train_loader))
    history = {"train": [], "val": [], "acc": []}
    best, waited = float("inf"), 0
    for epoch in range(args.epochs):
        train_loss = train_epoch(model, train_loader, criterion, optimizer, scheduler, device)
        val_loss, val_acc = evaluate(model, val_loader, criterion, device)
        history["train"].append(train_loss)
        history["val"].append(val_loss)
        history["acc"].append(val_acc)
        print(f"epoch {epoch}: train {train_loss:.4f} val {val_loss:.4f} acc {val_acc:.3f}")
        if val_loss < best - 1e-4:
            best, waited = val_loss, 0
            torch.save({"model": model.state_dict(), "epoch": epoch}, args.checkpoint)
        else:
            waited += 1
            if waited >= args.patience:
                print("early stopping")
                break
    state = torch.load(args.checkpoint, weights_only=True)
    model.load_state_dict(state["model"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(history["train"], label="train")
    ax1.plot(history["val"], label="validation")
    ax1.legend()
    ax2.plot(history["acc"])
    fig.savefig("curves.png")
    return model


if __name__ == "__main__":
    main()
`;

const HEADER_IMPORTS = ['import argparse', 'from torch.utils.data import DataLoader'];

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? fixtureFiles(p) : p.endsWith('.py') && !name.startsWith('half_written') ? [p] : [];
    });
}

interface Unit {
  imports: string[];
  body: string;
}

/** Split a fixture into its top-level import lines and the rest. */
function split(source: string): Unit {
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of source.split('\n')) (/^(import|from)\s/.test(line) ? imports : body).push(line);
  return { imports, body: body.join('\n').trim() + '\n' };
}

/** Rename what a unit defines at top level (`Net` → `Net_3`) so many copies make one plausible module. */
function renamed(body: string, k: number): string {
  const names = new Set<string>();
  for (const m of body.matchAll(/^(?:def|class)\s+(\w+)/gm)) names.add(m[1]);
  for (const m of body.matchAll(/^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=(?!=)/gm)) for (const n of m[1].split(',')) names.add(n.trim());
  for (const m of body.matchAll(/^for\s+([A-Za-z_]\w*)/gm)) names.add(m[1]);
  names.delete('self');
  if (!names.size) return body;
  const pattern = new RegExp(`(?<![\\w.])(${[...names].join('|')})(?!\\w)`, 'g');
  return body.replace(pattern, `$1_${k}`);
}

function corpusUnits(): Unit[] {
  const units = fixtureFiles(FIXTURES).map((f) => split(readFileSync(f, 'utf8')));
  units.push({ imports: [], body: TRAINING_SCRIPT });
  return units;
}

/** A module of about `lines` lines: hoisted imports, then renamed copies of the units. */
function buildPython(lines: number): string {
  const units = corpusUnits();
  const imports = new Set<string>(HEADER_IMPORTS);
  for (const u of units) for (const i of u.imports) imports.add(i);
  const parts = [[...imports].join('\n') + '\n'];
  // Joined with '\n' after bodies that end in '\n': each part adds its line count, and one blank line.
  let count = parts[0].split('\n').length;
  for (let k = 0; count < lines; k++) {
    const body = renamed(units[k % units.length].body, k);
    parts.push(body);
    count += body.split('\n').length;
  }
  return parts.join('\n');
}

/** A notebook of `cells` code cells (imports first, then one unit per cell) with markdown between. */
function buildNotebook(cells: number): string {
  const units = corpusUnits();
  const imports = new Set<string>(HEADER_IMPORTS);
  for (const u of units) for (const i of u.imports) imports.add(i);
  const nbCells: { cell_type: string; source: string[]; metadata: object; outputs?: unknown[]; execution_count?: null }[] = [];
  const code = (src: string) => nbCells.push({ cell_type: 'code', source: src.split(/(?<=\n)/), metadata: {}, outputs: [], execution_count: null });
  code('%matplotlib inline\n' + [...imports].join('\n') + '\n');
  for (let k = 0; nbCells.filter((c) => c.cell_type === 'code').length < cells; k++) {
    if (k % 4 === 0) nbCells.push({ cell_type: 'markdown', source: [`## Part ${k / 4 + 1}\n`], metadata: {} });
    code(renamed(units[k % units.length].body, k));
  }
  return JSON.stringify({ cells: nbCells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

// ───────────────────────────── measuring ─────────────────────────────

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const time = (f: () => unknown): number => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timeAsync = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

let gc: () => void = () => {};
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
} catch {
  /* memory figures are then noisier */
}
const wasmBytes = () => memories.reduce((n, m) => n + m.buffer.byteLength, 0);

/** Offsets of identifier starts on `line`, for an edit that renames something there. */
function identifierOnLine(text: string, lines: { lineStart(l: number): number; lineEnd(l: number): number }, line: number): number | undefined {
  const s = text.slice(lines.lineStart(line), lines.lineEnd(line));
  if (/^\s*(#|"""|$)/.test(s)) return undefined;
  const m = /[A-Za-z_]\w*/.exec(s);
  return m ? lines.lineStart(line) + m.index + 1 : undefined;
}

/** One-line edits: insert a letter into an identifier on a line, then take it out again, moving through the file. */
function* edits(doc: current.PythonDocument): Generator<[number, number, string]> {
  const total = doc.lineIndex.lineCount;
  for (let i = 0; ; i++) {
    const line = 1 + ((Math.floor(i / 2) * 97 + Math.floor(total / 2)) % total);
    const at = identifierOnLine(doc.text, doc.lineIndex, line);
    if (at === undefined) {
      i++;
      continue;
    }
    yield [at, at, 'q'];
    yield [at, at + 1, ''];
  }
}

interface Suite {
  name: string;
  lint: LintModule;
  dir?: string;
}

interface Figures {
  first_ms: number;
  warm_2000_ms: number;
  warm_5000_ms: number;
  edit_ms: number;
  edit_parse_ms: number;
  edit_row_ms: number;
  edit_vs_full: number;
  edit_cpu_ms: number;
  edit_vs_full_cpu: number;
  notebook_50_ms: number;
  heap_growth_mb: number;
  wasm_growth_mb: number;
  js_growth_mb: number;
  diagnostics_2000: number;
  project_edit_ms: number;
  project_index_200_ms: number;
  thread_edit_ms: number;
  thread_index_200_ms: number;
}

/** First lint (parser init included) of the 2,000-line file in a fresh process. */
function firstLint(suite: Suite): number {
  const extra = suite.dir ? ['--child-module', suite.dir] : [];
  const sel = select ? ['--select', select.join(',')] : [];
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child-first', ...extra, ...sel], { encoding: 'utf8' });
  const m = /FIRST (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`first-lint child failed:\n${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

async function childFirst(): Promise<void> {
  const dir = flag('--child-module');
  const lint: LintModule = dir ? await import(resolve(dir, 'src/core/lint')) : current;
  const text = buildPython(2000);
  const t = performance.now();
  await lint.lintText(text, OPTS);
  console.log(`FIRST ${performance.now() - t}`);
}

async function measure(suites: Suite[]): Promise<Map<string, Figures>> {
  const samples = new Map<string, Record<string, number[]>>(suites.map((s) => [s.name, {}]));
  const add = (s: Suite, key: string, v: number) => ((samples.get(s.name)![key] ??= []).push(v));
  const py2000 = buildPython(2000);
  const py5000 = buildPython(5000);
  const notebook = buildNotebook(50);
  const diagCount = new Map<string, number>();

  for (const s of suites) {
    await s.lint.initParser();
    diagCount.set(s.name, (await s.lint.lintText(py2000, OPTS)).length);
  }
  // First lint: fresh processes, interleaved.
  for (let i = 0; i < Math.max(3, Math.round(repeats / 3)); i++) for (const s of suites) add(s, 'first_ms', firstLint(s));

  // Warm full lints (a fresh parse each time, as the CLI and a newly opened editor do).
  const docs = suites.map((s) => ({ s, d2000: new s.lint.PythonDocument(py2000), d5000: new s.lint.PythonDocument(py5000) }));
  for (let i = 0; i < 2; i++) for (const { s, d2000 } of docs) s.lint.lintDocument(d2000, OPTS);
  for (let i = 0; i < repeats; i++) {
    for (const { s } of docs) add(s, 'warm_2000_ms', await timeAsync(() => s.lint.lintText(py2000, OPTS)));
    for (const { s } of docs) add(s, 'warm_5000_ms', await timeAsync(() => s.lint.lintText(py5000, OPTS)));
    for (const { s } of docs) add(s, 'notebook_50_ms', await timeAsync(() => s.lint.lintNotebook(notebook, OPTS)));
  }
  for (const { d5000 } of docs) d5000.dispose();

  // One-line edits on the open 2,000-line document: incremental re-parse, then re-lint.
  const editors = docs.map(({ s, d2000 }) => ({ s, doc: d2000, next: edits(d2000) }));
  // Every other edit, a full lint of the same text (fresh parse, copy and analysis) in between: the
  // ratio of the two medians says what the incremental path saves whatever the machine's load. CPU
  // time (this process's, all threads) is counted too: on a shared machine it varies less than wall time.
  for (let i = 0; i < Math.max(40, repeats * 4); i++) {
    for (const { s, doc, next } of editors) {
      const [a, b, t] = next.next().value as [number, number, string];
      const cpuBefore = cpuMs();
      const parse = time(() => doc.edit(a, b, t));
      const lint = time(() => s.lint.lintDocument(doc, OPTS));
      add(s, 'edit_cpu_ms', cpuMs() - cpuBefore);
      add(s, 'edit_parse_ms', parse);
      add(s, 'edit_ms', parse + lint);
      if (i % 2) continue;
      const fullCpuBefore = cpuMs();
      add(s, 'edit_full_ms', await timeAsync(() => s.lint.lintText(doc.text, OPTS)));
      add(s, 'edit_full_cpu_ms', cpuMs() - fullCpuBefore);
    }
  }
  // Edits in a row, as typed in the editor: no full lint in between (whose garbage the interleaved
  // figure above also collects). Suites take turns, a block of edits each.
  for (let block = 0; block < Math.max(4, repeats); block++) {
    for (const { s, doc, next } of editors) {
      for (let i = 0; i < 10; i++) {
        const [a, b, t] = next.next().value as [number, number, string];
        add(s, 'edit_row_ms', time(() => {
          doc.edit(a, b, t);
          s.lint.lintDocument(doc, OPTS);
        }));
      }
    }
  }
  for (const { doc } of editors) doc.dispose();

  // Memory: heap after 10 edit+lint rounds vs after `editCount`, per suite (not interleaved: heaps are shared).
  const memory = new Map<string, { wasm: number; js: number }>();
  for (const s of suites) {
    const doc = new s.lint.PythonDocument(py2000);
    const next = edits(doc);
    const round = () => {
      const [a, b, t] = next.next().value as [number, number, string];
      doc.edit(a, b, t);
      s.lint.lintDocument(doc, OPTS);
    };
    for (let i = 0; i < 10; i++) round();
    gc();
    const wasm10 = wasmBytes();
    const js10 = process.memoryUsage().heapUsed;
    for (let i = 10; i < editCount; i++) round();
    gc();
    memory.set(s.name, { wasm: wasmBytes() - wasm10, js: process.memoryUsage().heapUsed - js10 });
    doc.dispose();
  }

  // Cross-file (issue 12): the 2,000-line file inside a project, one-line edits through setFile
  // (incremental re-parse) and a re-lint with cross-file answers; a 200-file workspace indexed from
  // scratch (every file parsed and analysed, imports resolved). Copies without LintProject: NaN.
  const projectSuites = suites.filter((s) => 'LintProject' in s.lint);
  const files = workspaceFiles(200);
  const base = 'from m0 import Net0\n' + py2000;
  const lineEnd = base.indexOf('\n', base.length >> 1);
  const projects = projectSuites.map((s) => {
    const p = new (s.lint as typeof current).LintProject();
    for (const [path, text] of files) p.setFile(path, text);
    p.setFile('big.py', base);
    p.lintSync('big.py', OPTS);
    return { s, p };
  });
  // Interleaved, like the single-file edits: load on the machine hits every copy alike.
  for (let i = 0; i < Math.max(40, repeats * 4); i++) {
    // One line changes (a comment typed at the end of a line in the middle), then changes back.
    const text = i % 2 ? base : base.slice(0, lineEnd) + `  # note ${i}` + base.slice(lineEnd);
    for (const { s, p } of projects) {
      add(s, 'project_edit_ms', time(() => {
        p.setFile('big.py', text);
        p.lintSync('big.py', OPTS);
      }));
    }
  }
  for (const { p } of projects) p.dispose();
  for (let i = 0; i < 3; i++) {
    for (const s of projectSuites) {
      const Project = (s.lint as typeof current).LintProject;
      add(s, 'project_index_200_ms', time(() => {
        const q = new Project();
        for (const [path, t] of files) q.setFile(path, t);
        for (const [path] of files) q.modelOf(path);
        q.importersOf('m0.py');
        q.dispose();
      }));
    }
  }

  // The editor's path (src/extension/lint.ts): the same project edits as a round trip to the lint
  // thread as shipped (dist/lint-worker.js, young generation 64 MB), the text sent whole as the
  // extension sends it. Only this copy's bundle exists; `npm run bench` builds it first.
  const threadFile = resolve('dist', 'lint-worker.js');
  if (existsSync(threadFile)) {
    const thread = new current.LintThread(threadFile, { youngMb: 64 });
    const settings = select ? { select } : {};
    const all = [...files.map(([path, text]) => ({ path, fsPath: path, text })), { path: 'big.py', fsPath: 'big.py', text: base }];
    // Files are analysed when first needed: the time to the first diagnostics of a newly opened workspace.
    for (let i = 0; i < 3; i++) {
      add(suites[0], 'thread_index_200_ms', await timeAsync(async () => {
        await thread.call('indexFolder', 'w', all);
        await thread.call('lintProjectFile', 'w', 'big.py', base, settings);
      }));
    }
    // The thread's code is new to its JIT: 100 edits first, as the rows above warmed this thread's.
    const warmup = 100;
    for (let i = 0; i < warmup + Math.max(40, repeats * 4); i++) {
      const text = i % 2 ? base : base.slice(0, lineEnd) + `  # thread ${i}` + base.slice(lineEnd);
      const ms = await timeAsync(() => thread.call('lintProjectFile', 'w', 'big.py', text, settings));
      if (i >= warmup) add(suites[0], 'thread_edit_ms', ms);
    }
    await thread.dispose();
  } else console.log(`(no ${threadFile}: the lint thread rows are skipped; \`npm run build\` makes it)`);

  const out = new Map<string, Figures>();
  const MB = 1024 * 1024;
  for (const s of suites) {
    const m = samples.get(s.name)!;
    const mem = memory.get(s.name)!;
    out.set(s.name, {
      first_ms: median(m.first_ms),
      warm_2000_ms: median(m.warm_2000_ms),
      warm_5000_ms: median(m.warm_5000_ms),
      edit_ms: median(m.edit_ms),
      edit_parse_ms: median(m.edit_parse_ms),
      edit_row_ms: median(m.edit_row_ms),
      edit_vs_full: median(m.edit_ms) / median(m.edit_full_ms),
      edit_cpu_ms: median(m.edit_cpu_ms),
      edit_vs_full_cpu: median(m.edit_cpu_ms) / median(m.edit_full_cpu_ms),
      notebook_50_ms: median(m.notebook_50_ms),
      heap_growth_mb: (mem.wasm + mem.js) / MB,
      wasm_growth_mb: mem.wasm / MB,
      js_growth_mb: mem.js / MB,
      diagnostics_2000: diagCount.get(s.name)!,
      project_edit_ms: m.project_edit_ms ? median(m.project_edit_ms) : NaN,
      project_index_200_ms: m.project_index_200_ms ? median(m.project_index_200_ms) : NaN,
      thread_edit_ms: m.thread_edit_ms ? median(m.thread_edit_ms) : NaN,
      thread_index_200_ms: m.thread_index_200_ms ? median(m.thread_index_200_ms) : NaN,
    });
  }
  return out;
}

const TARGETS: Record<string, [string, number | undefined]> = {
  first_ms: ['first lint incl. parser init (2,000 lines, fresh process)', 300],
  warm_2000_ms: ['warm full lint, 2,000 lines', 20],
  warm_5000_ms: ['warm full lint, 5,000 lines', undefined],
  edit_ms: ['one-line edit: incremental parse + re-lint (issue 12: incl. the cross-file analysis)', 20],
  edit_parse_ms: ['  of which the incremental parse', undefined],
  edit_row_ms: ['one-line edits in a row, as typed (no full lint in between)', 20],
  edit_vs_full: ['  ÷ a full lint of the same text, interleaved (ratio)', undefined],
  edit_cpu_ms: ['  the same edit in CPU time (process, all threads)', undefined],
  edit_vs_full_cpu: ['  ÷ the full lint, CPU time (ratio)', undefined],
  notebook_50_ms: ['50-cell notebook', 30],
  heap_growth_mb: [`heap growth, ${editCount} edits vs 10 (MB)`, 0],
  wasm_growth_mb: ['  of which wasm', undefined],
  js_growth_mb: ['  of which JS (after gc)', undefined],
  diagnostics_2000: ['diagnostics on the 2,000-line file', undefined],
  project_edit_ms: ['one-line edit in a project: setFile + cross-file re-lint, 2,000 lines', 20],
  project_index_200_ms: ['200-file workspace indexed (parse + analyse + imports)', 3000],
  thread_edit_ms: ["the editor's path: the project edit as a round trip to the lint thread", 20],
  thread_index_200_ms: ['  the 200-file workspace sent to the lint thread, then its first lint', 3000],
};

/**
 * A 200-file workspace: modules of ~120 lines (a model class, helpers, a training function) that
 * import each other (`from m3 import Net3`), like a project's model.py / train.py / utils.py.
 */
function workspaceFiles(n: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const dep = i > 0 ? `from m${(i * 7) % i} import Net${(i * 7) % i}, helper${(i * 7) % i}\n` : '';
    const body = buildPython(120).replace(/\bNet\b/g, `Net${i}`);
    out.push([`m${i}.py`, `import torch\nimport torch.nn as nn\n${dep}${body}\nclass Net${i}(nn.Module):\n    def forward(self, x):\n        return torch.sigmoid(x)\n\ndef helper${i}(model, criterion):\n    return model, criterion\n`]);
  }
  return out;
}

/**
 * --project-only: just the project edits (setFile + lintSync), 400 of them, and their median — for
 * a profile: node --cpu-prof --import tsx bench/lint.ts --project-only
 */
function projectOnly(): void {
  const p = new current.LintProject();
  for (const [path, text] of workspaceFiles(200)) p.setFile(path, text);
  const base = 'from m0 import Net0\n' + buildPython(2000);
  const lineEnd = base.indexOf('\n', base.length >> 1);
  p.setFile('big.py', base);
  p.lintSync('big.py', OPTS);
  const ms: number[] = [];
  for (let i = 0; i < 400; i++) {
    const text = i % 2 ? base : base.slice(0, lineEnd) + `  # note ${i}` + base.slice(lineEnd);
    ms.push(time(() => {
      p.setFile('big.py', text);
      p.lintSync('big.py', OPTS);
    }));
  }
  p.dispose();
  console.log(`project edit: median ${median(ms).toFixed(1)} ms over ${ms.length}`);
}

async function main(): Promise<void> {
  if (args.includes('--child-first')) return childFirst();
  if (args.includes('--project-only')) return current.initParser().then(projectOnly);
  const out = flag('--write-inputs');
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'lint2000.py'), buildPython(2000));
    writeFileSync(join(out, 'lint5000.py'), buildPython(5000));
    writeFileSync(join(out, 'notebook50.ipynb'), buildNotebook(50));
    return;
  }
  const suites: Suite[] = [{ name: 'current', lint: current }];
  if (against) suites.push({ name: 'against', lint: await import(resolve(against, 'src/core/lint')), dir: resolve(against) });
  const figures = await measure(suites);
  const rows = Object.entries(TARGETS).map(([key, [title, target]]) => {
    const cells = suites.map((s) => {
      const v = figures.get(s.name)![key as keyof Figures];
      if (Number.isNaN(v)) return '-';
      return key.endsWith('_mb') || key.startsWith('edit_vs_') ? v.toFixed(2) : key === 'diagnostics_2000' ? String(v) : v.toFixed(1);
    });
    return [title, ...cells, target === undefined ? '' : key.endsWith('_mb') ? '≈ 0' : `≤ ${target}`];
  });
  const header = ['metric (median ms)', ...suites.map((s) => s.name), 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`linter bench: ${repeats} samples per median; inputs ${buildPython(2000).split('\n').length} / ${buildPython(5000).split('\n').length} lines`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (json) {
    const pick = (f: Figures) => ({
      first_ms: f.first_ms,
      warm_2000_ms: f.warm_2000_ms,
      edit_ms: f.edit_ms,
      notebook_50_ms: f.notebook_50_ms,
      heap_growth_mb: f.heap_growth_mb,
      warm_5000_ms: f.warm_5000_ms,
      edit_parse_ms: f.edit_parse_ms,
      edit_vs_full: f.edit_vs_full,
      edit_cpu_ms: f.edit_cpu_ms,
      project_edit_ms: f.project_edit_ms,
      thread_edit_ms: f.thread_edit_ms,
    });
    const doc: Record<string, unknown> = { lint: pick(figures.get('current')!) };
    if (against) doc.against = pick(figures.get('against')!);
    console.log(JSON.stringify(doc));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
