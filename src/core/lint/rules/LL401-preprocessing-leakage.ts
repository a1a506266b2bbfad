import type { Rule } from '../rule';
import type { Node } from '../parser';
import type { SemanticModel } from '../semantic';
import { callArgs, named, unparen } from '../semantic/syntax';
import { isEvalName } from '../torch/evaluation';
import { preprocessorFits, sklearnInScope } from '../torch/data';

const SPLITTERS = new Set(['sklearn.model_selection.train_test_split']);

export const preprocessingLeakage: Rule = {
  code: 'LL401',
  slug: 'preprocessing-leakage',
  name: 'Preprocessing fitted before the split (or on test data)',
  severity: 'warning',
  fixable: false,
  summary: 'A scaler/encoder/imputer fitted on data that includes the test set leaks test statistics into training: fit on the training split only.',
  docs: `## What it does
Flags a scikit-learn preprocessor — \`StandardScaler\`, \`MinMaxScaler\`, \`OneHotEncoder\`,
\`SimpleImputer\`, \`PCA\`, \`SelectKBest\`, \`ColumnTransformer\`, … — that is fitted (\`fit\`,
\`fit_transform\`) on data that \`train_test_split\` splits into train and test *afterwards*, or that is
fitted on test/validation data (\`scaler.fit_transform(X_test)\`).

## Why is this bad
Fitting learns statistics: a scaler's mean and standard deviation, an imputer's fill values, an
encoder's categories, PCA's directions. Fitted on all the data, those statistics already contain the
test rows, so the training pipeline has "seen" the test set before it is evaluated on it. The test
score is then optimistic — sometimes slightly, sometimes a lot (target-dependent selection, small
data, rare categories) — and it no longer estimates how the model does on new data, which is the one
thing a test set is for. Refitting on the test set is the mirror mistake: train and test are scaled
with *different* means, so the model sees shifted inputs at evaluation time.

## Example
\`\`\`python
scaler = StandardScaler()
X = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
\`\`\`

## Use instead
\`\`\`python
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)      # the training statistics, never refitted
# or let a Pipeline do it: make_pipeline(StandardScaler(), model).fit(X_train, y_train)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    if (!sklearnInScope(sem)) return;
    const splits = sem.calls.filter((c) => SPLITTERS.has(sem.calleeQualifiedName(c) ?? ''));
    for (const fit of preprocessorFits(sem)) {
      const name = ctx.source(fit.call.childForFieldName('function')!);
      if (isEvalName(baseName(fit.data) ?? '')) {
        ctx.report({ node: fit.call, message: `${name}(${ctx.source(fit.data)}) fits the preprocessor on evaluation data: fit it on the training split and only transform() the test data.` });
        continue;
      }
      const fitted = fittedValues(sem, fit.call, fit.data);
      const split = splits.find((s) => s.startIndex >= fit.call.endIndex && callArgs(s).positional.some((a) => reaches(sem, a, fitted, 0)));
      if (!split) continue;
      ctx.report({
        node: fit.call,
        message: `${name}(${ctx.source(fit.data)}) learns its statistics from data that train_test_split divides afterwards (line ${ctx.lineOf(split)}): the test rows leak into training. Split first, then fit on the training split.`,
      });
    }
  },
};

/** `X_test` of `X_test`, `X_test.values`, `df_test[cols]`. */
function baseName(expr: Node): string | undefined {
  let e = unparen(expr);
  for (;;) {
    if (e.type === 'identifier') return e.text;
    if (e.type === 'subscript' || e.type === 'attribute') e = unparen((e.childForFieldName('value') ?? e.childForFieldName('object'))!);
    else return undefined;
  }
}

/** Nodes standing for "the fitted data or its transform": the fit call, and what the data's names hold there. */
function fittedValues(sem: SemanticModel, call: Node, data: Node): Set<number> {
  const ids = new Set<number>([call.id]);
  const name = baseName(data);
  let e = unparen(data);
  while (e.type === 'subscript' || e.type === 'attribute') e = unparen((e.childForFieldName('value') ?? e.childForFieldName('object'))!);
  if (name && e.type === 'identifier') for (const d of sem.definitions(e)) if (d) ids.add(d.id);
  return ids;
}

/** `expr` is, or is computed from, one of `targets` (following variables through their definitions). */
function reaches(sem: SemanticModel, expr: Node, targets: Set<number>, depth: number): boolean {
  const e = unparen(expr);
  if (depth > 10) return false;
  if (targets.has(e.id)) return true;
  if (e.type === 'identifier') return sem.definitions(e).some((d) => !!d && reaches(sem, d, targets, depth + 1));
  if (e.type === 'call' || e.type === 'attribute' || e.type === 'subscript' || e.type === 'binary_operator' || e.type === 'argument_list' || e.type === 'keyword_argument') {
    return named(e).some((c) => reaches(sem, c, targets, depth + 1));
  }
  return false;
}
