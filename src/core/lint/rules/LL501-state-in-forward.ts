import type { Rule } from '../rule';
import { walk } from '../semantic/syntax';

export const stateInForward: Rule = {
  code: 'LL501',
  slug: 'state-in-forward',
  name: 'State stored in forward',
  severity: 'warning',
  fixable: false,
  summary: 'forward assigns to self.<name>: use a local variable, or a forward hook to inspect activations.',
  docs: `## What it does
Flags assignments to \`self.<name>\` inside the \`forward\` method of an \`nn.Module\` subclass.
(Plain NumPy layer classes that cache \`self.old_x\` for a hand-written backward are not modules and
are left alone.)

## Why is this bad
Autograd already keeps what backward needs. A tensor stored on \`self\` keeps the whole graph of that
batch alive until the next call (memory grows), makes the module stateful (results depend on call
order, breaks \`torch.compile\`, \`DataParallel\` replicas and \`torch.func\`), and leaks into
\`state_dict\` when it is a Parameter/buffer.

## Example
\`\`\`python
def forward(self, x):
    self.hidden = torch.relu(self.fc1(x))
    return self.fc2(self.hidden)
\`\`\`

## Use instead
\`\`\`python
def forward(self, x):
    hidden = torch.relu(self.fc1(x))
    return self.fc2(hidden)
# to inspect activations: self.fc1.register_forward_hook(...)
\`\`\`
`,
  check(ctx) {
    if (!ctx.semantic.torchInScope) return;
    for (const cls of ctx.semantic.moduleClasses.values()) {
      const forward = cls.methods.get('forward');
      const body = forward?.childForFieldName('body');
      if (!body) continue;
      walk(body, (n) => {
        if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
        if (n.type !== 'assignment' && n.type !== 'augmented_assignment') return;
        const targets = n.childForFieldName('left');
        const list = targets && (targets.type === 'pattern_list' || targets.type === 'tuple_pattern') ? targets.namedChildren : [targets];
        for (const t of list) {
          if (t?.type === 'attribute' && t.childForFieldName('object')?.text === 'self') {
            ctx.report({ node: t, message: `forward stores state on ${t.text}: use a local variable (or a forward hook to inspect activations).` });
          }
        }
      });
    }
  },
};
