// `logit-lab train|lint|predict` — the same core as the extension, for terminals and CI.
// Exit codes: 0 done, 1 a run diverged or failed, 2 bad input, 3 an internal error (a bug),
// 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
import { Command, Option } from 'commander';
import { describeFailure, EXIT } from '../core/boundary';
import { trainCommand } from './train';
import { predictCommand } from './predict';
import { runLintCommand } from './lint';
import { sanitize } from './sanitize';

const program = new Command();
program
  .name('logit-lab')
  .description('Train and inspect neural-network classifiers from experiment files; lint PyTorch classifier code.')
  .version('0.1.0')
  .option('--verbose', 'show the stack trace of an internal error')
  .showHelpAfterError();

let verbose = process.argv.includes('--verbose');

/**
 * The CLI's error boundary: every command runs inside it, so a user error ends in its located
 * message and exit 2, and anything else in one line, exit 3 and where to report it.
 */
async function guarded(command: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (err) {
    fail(err);
  }
}

function fail(err: unknown): void {
  const { text, exitCode } = describeFailure(err, { verbose });
  process.stderr.write(sanitize(text) + '\n');
  process.exitCode = exitCode;
}

program
  .command('train')
  .description('Train every run of an *.experiment.json file and write its run store, PNGs and an HTML report.')
  .argument('<file>', 'experiment file')
  .option('-o, --out <dir>', 'output directory (default .logit-lab/runs/<time>-<name>/)')
  .addOption(new Option('-b, --backend <name>', 'TensorFlow.js backend').choices(['auto', 'wasm', 'cpu', 'tensorflow']).default('auto'))
  .option('--workspace <dir>', 'workspace folder data paths must stay inside (default: the current directory, or the file\'s folder if it is outside)')
  .option('--epochs <n>', 'cap the epochs of every run (quick previews)', (v) => parsePositiveInt(v, '--epochs'))
  .option('--json', 'print one JSON document on stdout instead of tables')
  .option('-q, --quiet', 'no progress output')
  .option('--no-png', 'do not write PNG pictures')
  .option('--keep <n>', 'keep the newest N experiments in .logit-lab/runs, deleting older ones after training (the extension\'s logitLab.runs.keep; default: that setting in .vscode/settings.json, else 20); not used with --out', (v) => parsePositiveInt(v, '--keep'))
  .option('--threads <n>', 'train the runs of a sweep or seed study side by side on this many threads, or split a single wide run\'s matrix products over them (default: one per core but one, for experiments big enough to gain; 1 = one thread)', (v) => parsePositiveInt(v, '--threads'))
  .option('--verbose', 'show the stack trace of an internal error')
  .action((file: string, opts) => guarded(() => trainCommand(file, opts)));

program
  .command('predict')
  .description('Class probabilities from a trained run, through exactly its training preprocessing.')
  .argument('<runDir>', 'a run directory written by `train` (holding model/)')
  .option('-i, --input <json>', 'one row as JSON, e.g. \'{"age": 60, "thal": "fixed"}\', or an array of rows')
  .option('--csv <file>', 'a CSV file of rows')
  .option('--json', 'print JSON')
  .option('--verbose', 'show the stack trace of an internal error')
  .action((runDir: string, opts) => guarded(() => predictCommand(runDir, opts)));

program
  .command('lint')
  .description('Lint PyTorch classifier code (.py and .ipynb) for classification anti-patterns.')
  .argument('[paths...]', 'files or directories', ['.'])
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
  .option('--select <codes>', 'comma-separated rule codes or prefixes to enable (e.g. LL1,LL201)')
  .option('--ignore <codes>', 'comma-separated rule codes or prefixes to disable')
  .option('--fix', 'apply safe fixes')
  .option('--verbose', 'show the stack trace of an internal error')
  .action((paths: string[], opts) => guarded(() => runLintCommand(paths, {
    format: opts.format,
    select: opts.select,
    ignore: opts.ignore,
    fix: !!opts.fix,
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  })));

function parsePositiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`error: ${flag} expects a whole number ≥ 1, got "${sanitize(v)}"\n`);
    process.exit(EXIT.badInput);
  }
  return n;
}

program.exitOverride((err) => {
  // commander's own usage errors are bad input: exit 2 like every other input error.
  process.exit(err.exitCode === 0 ? 0 : EXIT.badInput);
});

// Last resort for what escapes a command (a callback throwing after it returned): still one line.
process.on('uncaughtException', (err) => {
  fail(err);
  process.exit(process.exitCode);
});
process.on('unhandledRejection', (err) => {
  fail(err);
  process.exit(process.exitCode);
});

program.hook('preAction', (_cmd, action) => {
  verbose ||= !!action.opts().verbose || !!program.opts().verbose;
});

program.parseAsync(process.argv).catch(fail);
