import type { Rule } from '../rule';
import { callArgs } from '../semantic/syntax';

export const torchLoadUnsafe: Rule = {
  code: 'LL503',
  slug: 'torch-load-unsafe',
  name: 'torch.load without weights_only=True',
  severity: 'warning',
  fixable: true,
  summary: 'torch.load without weights_only=True unpickles arbitrary objects: loading a file can run code.',
  docs: `## What it does
Flags \`torch.load(...)\` calls without \`weights_only=True\`.

## Why is this bad
Checkpoints are pickle files, and unpickling can call any Python function — a downloaded
\`model.pt\` can run arbitrary code on your machine. \`weights_only=True\` restricts loading to tensors
and plain containers (the default since PyTorch 2.6; older versions load everything). Saying it
explicitly keeps the code safe on every version.

## Example
\`\`\`python
state = torch.load("model.pt")
\`\`\`

## Use instead
\`\`\`python
state = torch.load("model.pt", weights_only=True)
model.load_state_dict(state)
\`\`\`
`,
  check(ctx) {
    const sem = ctx.semantic;
    for (const call of sem.callsTo('torch.load')) {
      const args = callArgs(call);
      const w = args.keywords.get('weights_only');
      if (w?.text === 'True' || (args.splat && !w)) continue;
      const list = call.childForFieldName('arguments')!;
      const close = list.endIndex - 1;
      const before = ctx.text.slice(list.startIndex + 1, close).trimEnd();
      const insertAt = list.startIndex + 1 + before.length;
      const comma = before.length === 0 || before.endsWith(',') ? '' : ', ';
      ctx.report({
        node: call,
        message: w ? 'torch.load with weights_only=False unpickles arbitrary objects: a checkpoint can run code.' : 'torch.load without weights_only=True unpickles arbitrary objects: pass weights_only=True.',
        fix: w ? undefined : { title: 'Add weights_only=True', edits: [{ start: insertAt, end: insertAt, newText: `${comma}weights_only=True` }], safe: true },
      });
    }
  },
};
