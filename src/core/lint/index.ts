// Public API of the PyTorch classifier linter.
export { initParser, PythonDocument, LineIndex } from './parser';
export { lintText, lintDocument, isSuppressed, type Diagnostic, type LintOptions } from './lint';
export { lintNotebook, notebookSource, mapToCell, blankMagics, applyNotebookEdits } from './notebook';
export { applyFixes, fixUntilStable } from './fix';
export { isEnabled, severityOf, mergeConfig, loadPyprojectConfig, readPyprojectConfig, type LintConfig } from './config';
export { renderRuleDoc, renderIndex, renderAllDocs, ruleDocUrl } from './docs';
export { ALL_RULES, ruleByCode } from './rules';
export type { Rule, RuleContext, Fix, TextEdit, Severity } from './rule';
export { SemanticModel } from './semantic';
export { LintProject } from './project';
export { LintService, type LintSettings, type LintReply, type ServiceDiagnostic, type IndexedFile, type LintCalls } from './service';
export { LintThread, type LintThreadOptions } from './thread';
