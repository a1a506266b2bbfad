// NaN is data, not corruption: Adam's learning rate swept over [0.01, 0.3, 3, 10, 30] on moons,
// trained for real, read back from the run store. The lr 30 run's outputs overflow on part of the
// grid: it must show as diverged with its undefined cells drawn grey, and the four good runs must
// show beside it — in the panel and in the HTML report.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/engine/types';
import { runExperiment } from '../../src/core/runner';
import { readRunDir } from '../../src/core/run/store';
import { renderReportHtml } from '../../src/report/html';
import { ARTIFACTS, ROOT, launch, send, settle, usePanels } from './harness';

type LL = { __logitLab: { store: { runs: RunRecord[] }; ui: { runId?: string } } };

let runs: RunRecord[] = [];

before(async () => {
  const work = mkdtempSync(join(tmpdir(), 'logit-lab-nan-'));
  const file = join(work, 'nan.experiment.json');
  writeFileSync(file, JSON.stringify({
    name: 'lr-sweep', data: { kind: 'moons' }, optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 200 },
    sweep: { 'optimizer.lr': [0.01, 0.3, 3, 10, 30] }, record: { every: 10, grid: 60 },
  }));
  const result = await runExperiment(file, { workspaceRoot: work, backend: 'wasm', outDir: join(work, 'out'), wasmDir: join(ROOT, 'dist') });
  // What the panel and the report get: the runs as the store reads them back.
  runs = result.runDirs.map((d) => readRunDir(d)!);
});

function checkRuns(found: { ids: string[]; statuses: string[] }) {
  assert.equal(found.ids.length, 5, 'all five runs are shown');
  assert.deepEqual(found.statuses.filter((s) => s === 'diverged').length, 1, `one diverged run: ${found.statuses.join(', ')}`);
  assert.equal(found.statuses.filter((s) => s === 'completed').length, 4);
}

describe('a sweep with a diverged run', () => {
  const panels = usePanels();

  it('the store records the lr 30 run as diverged, with NaN cells kept', () => {
    const bad = runs.find((r) => r.config.optimizer.lr === 30)!;
    assert.equal(bad.status, 'diverged');
    assert.ok(bad.divergedAt! > 0 && /not numbers on part of the boundary grid/.test(bad.message ?? ''), bad.message);
    assert.ok(bad.snapshots.some((s) => Array.from(s.probs).some(Number.isNaN)), 'NaN cells kept as NaN');
  });

  it('the panel shows the four good runs and the diverged one, its undefined cells grey', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'lr-sweep', runs });
    await settle(page);
    const found = await page.evaluate(() => {
      const w = window as unknown as LL;
      return { ids: w.__logitLab.store.runs.map((r) => r.id), statuses: w.__logitLab.store.runs.map((r) => r.status) };
    });
    checkRuns(found);
    const bad = runs.find((r) => r.status === 'diverged')!;
    await page.selectOption('.ll-run-picker', bad.id);
    await settle(page);
    assert.match(await page.textContent('.ll-summary') ?? '', /grid cells undefined \(grey\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'diverged-panel.png') });
    await page.click('[data-tab="compare"]');
    await settle(page);
    assert.equal(await page.locator('#compare-table tbody tr').count(), 5);
    assert.match(await page.textContent('#compare-table') ?? '', /diverged/);
  });
});

describe('the report of a sweep with a diverged run', () => {
  let browser: Browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser.close(); });

  it('shows all five runs, one marked diverged', async () => {
    const html = renderReportHtml(runs, {
      title: 'lr-sweep', webviewJs: readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8'), css: readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8'),
    });
    const file = join(ARTIFACTS, 'diverged-report.html');
    writeFileSync(file, html);
    const page: Page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const log: string[] = [];
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as unknown as Partial<LL>).__logitLab?.store.runs.length === 5);
    const found = await page.evaluate(() => {
      const w = window as unknown as LL;
      return { ids: w.__logitLab.store.runs.map((r) => r.id), statuses: w.__logitLab.store.runs.map((r) => r.status) };
    });
    checkRuns(found);
    // The report holds each run once, packed: well under the size of the records as JSON.
    assert.ok(html.length < JSON.stringify(runs.map((r) => ({ ...r, snapshots: r.snapshots.map((s) => ({ ...s, probs: Array.from(s.probs) })) }))).length / 2, 'the report embeds the runs compactly');
    await page.click('[data-tab="compare"]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.locator('#compare-table tbody tr').count(), 5);
    await page.screenshot({ path: join(ARTIFACTS, 'diverged-report.png') });
    assert.deepEqual(log, []);
  });
});
