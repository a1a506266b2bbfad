// A CSV target with four values, end to end: trained for real with cross-entropy, then the panel's
// classification report (the HTML report runs the panel's own bundle) shows a 4×4 confusion matrix
// labelled with the file's values and holding the run's own counts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DataSpec } from '../../src/core/experiment/schema';
import { generate } from '../../src/core/data';
import { runExperiment } from '../../src/core/runner';
import { renderReportHtml } from '../../src/report/html';
import { ROOT, launch } from './harness';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'logit-lab-multiclass-panel-'));
before(async () => { browser = await launch(); });
after(async () => {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a four-valued CSV target shows a 4×4 confusion matrix with the file\'s class names', async () => {
  const source = generate(DataSpec.parse({ kind: 'classification', samples: 400, features: 3, informative: 3, redundant: 0, classes: 4, clustersPerClass: 1, classSep: 2, flipY: 0, randomState: 1 }), { baseDir: dir, workspaceRoot: dir });
  const species = ['oak', 'elm', 'ash', 'yew'];
  const rows = Array.from({ length: source.n }, (_, i) => [...source.x.subarray(i * 3, i * 3 + 3)].map((v) => v.toFixed(5)).concat(species[source.y[i]]).join(','));
  writeFileSync(join(dir, 'trees.csv'), ['girth,height,age,species', ...rows].join('\n'));
  const file = join(dir, 'trees.experiment.json');
  writeFileSync(file, JSON.stringify({ name: 'trees', data: { kind: 'csv', path: 'trees.csv', target: 'species' }, loss: 'cross-entropy', training: { epochs: 80 }, record: { every: 40, grid: 12 } }));
  const result = await runExperiment(file, { workspaceRoot: dir, backend: 'wasm', outDir: join(dir, 'out') });
  const run = result.runs[0];
  assert.deepEqual(run.classNames, ['ash', 'elm', 'oak', 'yew']);

  const html = renderReportHtml([run], {
    title: 'Trees',
    webviewJs: readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8'),
    css: readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8'),
  });
  writeFileSync(join(dir, 'report.html'), html);
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
  await page.goto(`file://${join(dir, 'report.html')}`);
  await page.waitForSelector('[data-tab="report"]');
  await page.click('[data-tab="report"]');
  await page.waitForSelector('.ll-confusion');
  const shown = await page.evaluate(() => ({
    split: (document.querySelector('select[aria-label="Split"]') as HTMLSelectElement).value,
    columns: Array.from(document.querySelectorAll('.ll-confusion thead th')).slice(1).map((th) => th.textContent),
    rows: Array.from(document.querySelectorAll('.ll-confusion tbody th')).map((th) => th.textContent),
    cells: Array.from(document.querySelectorAll('.ll-confusion tbody td')).map((td) => Number(td.textContent)),
    threshold: document.querySelector('#threshold') !== null,
  }));
  assert.deepEqual(shown.columns, run.classNames);
  assert.deepEqual(shown.rows, run.classNames);
  const report = run.report![shown.split as 'train' | 'val']!;
  assert.equal(shown.cells.length, 16);
  assert.deepEqual(shown.cells, report.confusion.flat());
  assert.equal(shown.threshold, false, 'no binary threshold slider for four classes');
  assert.deepEqual(errors, []);
});
