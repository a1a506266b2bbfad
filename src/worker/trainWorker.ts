// The training worker: runs one experiment off the extension host's thread and streams protocol
// messages back. TF.js is only ever loaded here, never in the extension host.
import { parentPort } from 'node:worker_threads';
import { gridThreadBeside, runExperiment, threadsBeside } from '../core/runner';
import { LogitLabError } from '../core/errors';
import type { FromTrainWorker, ToWorker } from '../protocol';
import { writeExperimentReport } from '../report/artifacts';
import { activeBackend, initBackend, loadPredictor } from '../core/engine';
import { encodeRows } from '../core/data';

if (!parentPort) throw new Error('trainWorker must run inside a worker thread');
const port = parentPort;
const post = (msg: FromTrainWorker) => port.postMessage(msg);
let controller: AbortController | undefined;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller?.abort();
    return;
  }
  if (msg.type === 'train') void train(msg);
  if (msg.type === 'predict') void predict(msg);
});

async function predict(req: Extract<ToWorker, { type: 'predict' }>) {
  try {
    // Whatever backend the last training used will do; only a fresh worker needs one chosen.
    if (!activeBackend()) await initBackend('auto', { wasmDir: __dirname });
    const predictor = await loadPredictor(req.modelDir);
    try {
      const [row] = predictor.predict(encodeRows(predictor.preprocessing, [req.input]), 1);
      post({ type: 'prediction', requestId: req.requestId, probs: Object.fromEntries(predictor.classNames.map((c, i) => [c, row[i]])) });
    } finally {
      predictor.dispose();
    }
  } catch (err) {
    post({ type: 'prediction', requestId: req.requestId, error: err instanceof LogitLabError ? err.format() : (err as Error).message });
  }
}

async function train(req: Extract<ToWorker, { type: 'train' }>) {
  controller = new AbortController();
  try {
    const result = await runExperiment(req.experimentPath, {
      workspaceRoot: req.workspaceRoot,
      backend: req.backend,
      outDir: req.outDir,
      signal: controller.signal,
      record: req.record,
      wasmDir: __dirname,
      gridThread: gridThreadBeside(__dirname),
      threads: threadsBeside(__dirname, req.threads ?? 0),
      emit: post,
    });
    // After experimentEnd: rendering the report took 90 ms on a calm machine and 200 ms in
    // code-server, and the panel's final picture waited for it (bench/editor-live.ts: experimentEnd
    // reached the host 170–320 ms after the last epoch, now 50–180 ms).
    try {
      post({ type: 'reportWritten', path: writeExperimentReport(result, { bundleDir: __dirname }).html });
    } catch (err) {
      post({ type: 'reportWritten', error: `could not write the report: ${(err as Error).message}` });
    }
  } catch (err) {
    if (err instanceof LogitLabError) {
      const loc = err.details.location;
      post({
        type: 'error',
        message: err.format(),
        location: loc ? { file: loc.file, line: loc.line, column: loc.column, path: (err.details.jsonPath ?? []).join('.') } : undefined,
      });
    } else {
      post({ type: 'error', message: (err as Error)?.stack ?? String(err) });
    }
    post({ type: 'experimentEnd', summary: { groups: [] }, outDir: req.outDir, cancelled: controller.signal.aborted });
    post({ type: 'reportWritten' });
  } finally {
    controller = undefined;
  }
}
