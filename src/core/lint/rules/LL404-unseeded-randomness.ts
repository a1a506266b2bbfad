import type { Rule } from '../rule';
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { callArgs, calleeName, unparen, walk } from '../semantic/syntax';
import { optimizerSteps } from '../torch/training';

/** Calls that seed a generator. Any callee whose name mentions "seed" counts too (`set_seed`, `seed_all`). */
const SEEDERS = new Set(['torch.manual_seed', 'torch.cuda.manual_seed', 'torch.cuda.manual_seed_all', 'torch.random.manual_seed', 'numpy.random.seed', 'random.seed']);
/** torch functions that draw random numbers from the global generator. */
const TORCH_DRAWS = /^torch\.(randn|rand|randint|randperm|normal|bernoulli|multinomial|poisson|randn_like|rand_like|randint_like)$/;
/** Layers whose construction draws random initial weights. */
const PARAMETRIC_LAYER = /^torch\.nn\.(Linear|Bilinear|LazyLinear|Conv[123]d|ConvTranspose[123]d|Embedding|EmbeddingBag|RNN|LSTM|GRU|RNNCell|LSTMCell|GRUCell|MultiheadAttention|Transformer\w*|PReLU)$/;
const NUMPY_NON_DRAWS = new Set(['seed', 'default_rng', 'RandomState', 'Generator', 'PCG64', 'SeedSequence', 'get_state', 'set_state']);

export const unseededRandomness: Rule = {
  code: 'LL404',
  slug: 'unseeded-randomness',
  name: 'Training without a seed',
  severity: 'info',
  fixable: false,
  summary: 'The script draws random weights/data and never seeds: every run gives a different result, so comparisons between runs are noise.',
  docs: `## What it does
Reports, once per file at the first random draw, a training script (one that steps an optimizer) that
draws random numbers — creates layers (random initial weights), calls \`torch.randn\`/\`torch.rand\`/
\`torch.randperm\`/…, \`np.random.*\`, \`random.*\`, shuffles with \`DataLoader(shuffle=True)\` — and never
seeds: no \`torch.manual_seed\`, \`np.random.seed\`, \`np.random.default_rng(seed)\`, \`random.seed\`,
\`seed_everything\` or \`set_seed\`. Library files (no optimizer step) and fragments (a training loop over names the file never defines, such
as a \`loader\` that comes from elsewhere — the seed may be set there) are left alone.

## Why is this bad
Initial weights, dropout masks, batch order and synthetic data all come from a pseudo-random
generator that, unseeded, starts from a different state on every run. Two runs of the same script
then differ by chance, often by several points of accuracy on small data sets. Without a seed you
cannot tell whether a change (a learning rate, a layer, a bug fix) helped or you drew a luckier
initialisation, and nobody — including you next week — can reproduce a result or a failure.
Seeding does not make results *better*; it makes them comparable (and for a claim, run a few seeds).

## Example
\`\`\`python
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loader = DataLoader(dataset, batch_size=32, shuffle=True)
\`\`\`

## Use instead
\`\`\`python
torch.manual_seed(0)          # weights, dropout, DataLoader shuffling
np.random.seed(0)             # if NumPy draws data (or: rng = np.random.default_rng(0))
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loader = DataLoader(dataset, batch_size=32, shuffle=True)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sem.torchInScope || !optimizerSteps(sem).some((step) => isSelfContainedTraining(sem, step))) return;
    if (sem.calls.some((c) => isSeeding(sem, c))) return;
    // Weights set from given values (a checkpoint, a parity test) are not random draws.
    const weightsGiven = /load_state_dict\(|\.weight(\.data)?\.copy_\(|\.weight\.data\s*=/.test(ctx.text);
    const first = sem.calls.find((c) => randomDraw(sem, c, weightsGiven) && !sem.enclosingModuleClass(c));
    if (!first) return;
    ctx.report({ node: first, message: `${randomDraw(sem, first, weightsGiven)}, and this training script never seeds a generator: every run differs. Call torch.manual_seed(0) (and np.random.seed / random.seed if used) at the top.` });
  },
};

function isSeeding(sem: SemanticModel, call: Node): boolean {
  const qn = sem.calleeQualifiedName(call);
  const args = callArgs(call);
  if (qn && SEEDERS.has(qn)) return true;
  if (qn === 'numpy.random.default_rng' || qn === 'numpy.random.RandomState' || qn === 'torch.Generator') return args.positional.length > 0 || args.keywords.has('seed');
  const name = calleeName(call) ?? '';
  // `seed_everything(42)`, `set_seed(0)`, `g.manual_seed(0)`, `rng.seed(1)`: helpers of other libraries or this project.
  return /seed/i.test(name) && !/^(get|initial)_?seed$/i.test(name);
}

/** Why `call` draws random numbers ("nn.Linear initialises random weights"), or undefined. */
function randomDraw(sem: SemanticModel, call: Node, weightsGiven: boolean): string | undefined {
  const qn = sem.calleeQualifiedName(call);
  if (qn) {
    if (TORCH_DRAWS.test(qn)) return `${qn} draws from the global generator`;
    if (PARAMETRIC_LAYER.test(qn) && !weightsGiven) return `${qn.replace(/^torch\.nn\./, 'nn.')} initialises random weights`;
    if (qn.startsWith('numpy.random.') && !NUMPY_NON_DRAWS.has(qn.slice('numpy.random.'.length))) return `${qn.replace(/^numpy\./, 'np.')} draws from NumPy's global generator`;
    if (qn === 'numpy.random.default_rng' && !callArgs(call).positional.length && !callArgs(call).keywords.has('seed')) return 'np.random.default_rng() starts from fresh OS entropy';
    if (/^random\.(random|randint|shuffle|choice|choices|sample|uniform|gauss)$/.test(qn)) return `${qn} draws from Python's global generator`;
    if (qn === 'torch.utils.data.DataLoader' && callArgs(call).keywords.get('shuffle')?.text === 'True') return 'DataLoader(shuffle=True) shuffles with the global generator';
    return undefined;
  }
  const o = sem.objectOf(call);
  const fn = call.childForFieldName('function');
  if (!weightsGiven && o.kind === 'module' && o.module.cls && fn?.type === 'identifier' && fn.text === o.module.cls.name) return `${o.module.cls.name}() initialises random weights`;
  return undefined;
}

const SCANNED = new Set(['identifier', 'attribute', 'keyword_argument', 'import_statement', 'import_from_statement', 'for_statement', 'global_statement', 'nonlocal_statement']);

/**
 * The optimizer step belongs to a complete script, not a fragment of a larger program (where the
 * seed may well be set elsewhere): it runs in a loop, the file uses no name it never defines
 * (`for x, y in loader:` with `loader` from elsewhere), and no loop iterates over an empty literal.
 */
function isSelfContainedTraining(sem: SemanticModel, step: Node): boolean {
  if (!sem.enclosingLoops(step).length) return false;
  let contained = fragmentMemo.get(sem);
  if (contained !== undefined) return contained;
  // `from m import *` may bind any name: the file cannot be shown to define everything it uses.
  contained = !sem.imports.starImports.length;
  const skip = new Set<number>();
  if (contained) {
    walk(sem.root, (n) => {
      if (!contained) return 'stop';
      switch (n.type) {
        case 'import_statement':
        case 'import_from_statement':
        case 'global_statement':
        case 'nonlocal_statement':
          return false;
        case 'attribute': {
          const attr = n.childForFieldName('attribute');
          if (attr) skip.add(attr.id);
          return;
        }
        case 'keyword_argument': {
          const name = n.childForFieldName('name');
          if (name) skip.add(name.id);
          return;
        }
        case 'for_statement': {
          const right = n.childForFieldName('right');
          const r = right && unparen(right);
          if (r && (r.type === 'list' || r.type === 'tuple') && r.namedChildCount === 0) contained = false;
          return;
        }
        default:
          if (!skip.has(n.id) && isFree(sem, n, 0)) contained = false;
      }
    }, SCANNED);
  }
  fragmentMemo.set(sem, contained);
  return contained;
}
const fragmentMemo = new WeakMap<SemanticModel, boolean>();

/**
 * A name the file never binds (directly, or through a parameter whose arguments are such names):
 * neither a def/class/lambda parameter, an import or a builtin, nor assigned.
 */
function isFree(sem: SemanticModel, id: Node, depth: number): boolean {
  if (depth > 6 || sem.declarationOf(id)) return false;
  const defs = sem.definitions(id);
  if (!defs.length) return true;
  return defs.every((d) => !!d && unparen(d).type === 'identifier' && isFree(sem, unparen(d), depth + 1));
}
