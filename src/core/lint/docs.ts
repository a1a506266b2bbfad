// Rule documentation pages (docs/rules/LL101.md …) and their index, rendered from the rule objects
// so the text lives in one place: the rule's own file.
import type { Rule } from './rule';

export const DOCS_BASE_URL = 'https://github.com/logit-lab/logit-lab/blob/main/docs/rules';

export function ruleDocUrl(rule: Rule): string {
  return `${DOCS_BASE_URL}/${rule.code}.md`;
}

export function renderRuleDoc(rule: Rule): string {
  return [
    `# ${rule.code} ${rule.slug}`,
    '',
    `**${rule.name}** · severity: \`${rule.severity}\` · fixable: ${rule.fixable ? 'yes' : 'no'}`,
    '',
    `> ${rule.summary}`,
    '',
    rule.docs.trim(),
    '',
    '## Suppressing',
    `Add \`# noqa: ${rule.code}\` at the end of the line, or configure \`[tool.logit-lab.lint]\` in pyproject.toml (\`ignore = ["${rule.code}"]\`).`,
    '',
  ].join('\n');
}

const FAMILIES: Record<string, string> = {
  LL1: 'Output and loss do not fit',
  LL2: 'The training loop',
  LL3: 'Evaluation and prediction',
  LL4: 'Data',
  LL5: 'Module hygiene and safety',
};

export function renderIndex(rules: readonly Rule[]): string {
  const out = ['# Logit Lab lint rules', '', 'Generated from the rule definitions in `src/core/lint/rules/`.', ''];
  for (const [prefix, title] of Object.entries(FAMILIES)) {
    const family = rules.filter((r) => r.code.startsWith(prefix)).sort((a, b) => a.code.localeCompare(b.code));
    if (!family.length) continue;
    out.push(`## ${prefix}xx — ${title}`, '', '| code | name | severity | fixable | summary |', '|---|---|---|---|---|');
    for (const r of family) out.push(`| [${r.code}](${r.code}.md) | ${r.slug} | ${r.severity} | ${r.fixable ? '🛠' : ''} | ${r.summary.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Every file of docs/rules/: `{ 'README.md': …, 'LL101.md': … }`. */
export function renderAllDocs(rules: readonly Rule[]): Record<string, string> {
  const files: Record<string, string> = { 'README.md': renderIndex(rules) };
  for (const r of rules) files[`${r.code}.md`] = renderRuleDoc(r);
  return files;
}
