// The Explore tab in real Chromium: the settings knobs post `explore` edits with checked values (and
// refuse bad ones inline), the "try a sample" form is built from a real run's fitted preprocessing and
// posts `predict`, and the panel draws the `prediction` reply. In the HTML report both are read-only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/engine/types';
import { renderReportHtml } from '../../src/report/html';
import { ARTIFACTS, ROOT, loadFixture, send, settle, usePanels } from './harness';

const moons = loadFixture<RunRecord>('moons-mlp.run.json');
// Recorded from a real TF.js run on a heart-like CSV by fixtures/generate-heart.ts.
const heart = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'heart.run.json'), 'utf8')) as RunRecord;

type W = { __posted: { type: string; [k: string]: unknown }[]; __cspViolations: string[] };

const panels = usePanels();

async function explore(runs: RunRecord[], theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await panels.open(theme);
  await send(page, { type: 'showRuns', title: runs[0].name, runs });
  await settle(page);
  await page.click('[data-tab="explore"]');
  await settle(page);
  return page;
}

const posted = (page: Page) => page.evaluate(() => (window as unknown as W).__posted.filter((m) => m.type !== 'ready'));

/** Types into a labelled field and commits it the way a keyboard user does (Tab away). */
async function typeInto(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.focus();
  await field.fill(text);
  await page.keyboard.press('Tab');
}

describe('explore: settings', () => {
  it('starts from the run config and posts one explore edit per change, with typed values', async () => {
    const page = await explore([moons]);
    const value = (label: string) => page.getByLabel(label, { exact: true }).inputValue();
    assert.deepEqual(
      await Promise.all(['Hidden layers', 'Activation', 'Optimizer', 'Learning rate', 'Epochs', 'Seed', 'Data noise', 'Batch norm', 'Dropout', 'Weight decay'].map(value)),
      ['8', 'tanh', moons.config.optimizer.kind, '0.03', '200', '1', '0.2', 'off', '0', '0'],
    );
    // Every optimizer the engine's registry holds, nothing else.
    assert.deepEqual(await page.$$eval('#explore-optimizer-kind option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['sgd', 'adam', 'adamw', 'rmsprop']);
    assert.deepEqual(await page.$$eval('#explore-optimizer-lr option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['1', '0.3', '0.1', '0.03', '0.01', '0.003', '0.001']);
    assert.match(await page.textContent('.ll-explore .ll-hint') ?? '', /experiment file .*undoable.*retrains/);

    await typeInto(page, 'Hidden layers', '16, 8');
    await page.getByLabel('Activation', { exact: true }).selectOption('relu');
    await page.getByLabel('Optimizer', { exact: true }).selectOption('rmsprop');
    await page.getByLabel('Learning rate', { exact: true }).selectOption('0.1');
    await typeInto(page, 'Epochs', '300');
    await typeInto(page, 'Seed', '7');
    await typeInto(page, 'Data noise', '0.35');
    await page.getByLabel('Batch norm', { exact: true }).selectOption('on');
    await typeInto(page, 'Dropout', '0.1');
    await typeInto(page, 'Weight decay', '0.001');
    // Committing an unchanged value (Tab through it) is not an edit.
    await page.getByLabel('Seed', { exact: true }).focus();
    await page.keyboard.press('Tab');
    assert.deepEqual(await posted(page), [
      { type: 'explore', path: 'model.hidden', value: [16, 8] },
      { type: 'explore', path: 'model.activation', value: 'relu' },
      { type: 'explore', path: 'optimizer.kind', value: 'rmsprop' },
      { type: 'explore', path: 'optimizer.lr', value: 0.1 },
      { type: 'explore', path: 'training.epochs', value: 300 },
      { type: 'explore', path: 'seed', value: 7 },
      { type: 'explore', path: 'data.noise', value: 0.35 },
      { type: 'explore', path: 'model.batchNorm', value: true },
      { type: 'explore', path: 'model.dropout', value: 0.1 },
      { type: 'explore', path: 'optimizer.weightDecay', value: 0.001 },
    ]);
    assert.match(await page.textContent('.ll-explore-status') ?? '', /Weight decay → 0\.001 .*retraining/);
    await page.screenshot({ path: join(ARTIFACTS, 'explore.png'), fullPage: true });
  });

  it('regularization: none or L1/L2 at Playground\'s rates; none posts null (the setting is taken out)', async () => {
    const page = await explore([moons]);
    const reg = page.getByLabel('Regularization', { exact: true });
    assert.equal(await reg.inputValue(), 'none');
    const options = await page.$$eval('#explore-model-penalty option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(options.slice(0, 3), ['none', 'l1 0.001', 'l1 0.003']);
    assert.ok(options.includes('l2 10'));
    await reg.selectOption('l1 0.01');
    await reg.selectOption('none');
    assert.deepEqual((await posted(page)).slice(-2), [
      { type: 'explore', path: 'model.penalty', value: { kind: 'l1', rate: 0.01 } },
      { type: 'explore', path: 'model.penalty', value: null },
    ]);
  });

  it('input features: Playground\'s checkboxes post model.inputs; none at all is refused inline', async () => {
    const page = await explore([moons]);
    const box = page.getByRole('group', { name: 'Input features' });
    assert.deepEqual(await box.locator('input:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['x0', 'x1']);
    await box.getByLabel('x0^2', { exact: true }).check();
    await box.getByLabel('x1^2', { exact: true }).check();
    await box.getByLabel('x0', { exact: true }).uncheck();
    await box.getByLabel('x1', { exact: true }).uncheck();
    assert.deepEqual((await posted(page)).at(-1), { type: 'explore', path: 'model.inputs', value: ['x0^2', 'x1^2'] });
    const before = (await posted(page)).length;
    await box.getByLabel('x0^2', { exact: true }).uncheck();
    await box.getByLabel('x1^2', { exact: true }).uncheck();
    assert.equal(await page.getAttribute('#explore-model-inputs', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#explore-model-inputs-error') ?? '', /at least one/);
    assert.equal((await posted(page)).length, before + 1, 'only the valid intermediate selection was posted');
    await page.screenshot({ path: join(ARTIFACTS, 'explore-features.png'), fullPage: true });
  });

  it('rejects bad values inline without posting; a fixed value then posts', async () => {
    const page = await explore([moons], 'dark');
    for (const bad of ['16, -2', '0', '8, abc', '2.5', '5000']) {
      await typeInto(page, 'Hidden layers', bad);
      assert.equal(await page.getAttribute('#explore-model-hidden', 'aria-invalid'), 'true', `"${bad}" is marked invalid`);
      assert.match(await page.textContent('#explore-model-hidden-error') ?? '', /not a layer width/, `"${bad}" is explained`);
    }
    await typeInto(page, 'Dropout', '1');
    assert.match(await page.textContent('#explore-model-dropout-error') ?? '', /below 1/);
    await typeInto(page, 'Epochs', '0');
    assert.match(await page.textContent('#explore-training-epochs-error') ?? '', /between 1 and/);
    await typeInto(page, 'Seed', '1.5');
    assert.match(await page.textContent('#explore-seed-error') ?? '', /whole number/);
    await page.screenshot({ path: join(ARTIFACTS, 'explore-invalid-dark.png'), fullPage: true });
    assert.deepEqual(await posted(page), [], 'nothing posted for invalid values');
    await typeInto(page, 'Hidden layers', '4 4 4');
    assert.equal(await page.getAttribute('#explore-model-hidden', 'aria-invalid'), null);
    assert.equal(await page.textContent('#explore-model-hidden-error'), '');
    await typeInto(page, 'Hidden layers', '');
    assert.deepEqual(await posted(page), [
      { type: 'explore', path: 'model.hidden', value: [4, 4, 4] },
      { type: 'explore', path: 'model.hidden', value: [] },
    ]);
  });

  it('a retrain (new runStart with the edited config) re-initialises the controls and keeps focus', async () => {
    const page = await explore([moons]);
    await page.getByLabel('Epochs', { exact: true }).focus();
    const { history: _h, snapshots: _s, ...rest } = moons;
    const edited = { ...rest, status: 'running', history: [], snapshots: [], config: { ...moons.config, model: { ...moons.config.model, hidden: [32, 32] } } };
    // Two frames apart: in between the panel shows "waiting for the first run" and the control is gone.
    await send(page, { type: 'live', msgs: [{ type: 'experimentStart', name: 'moons', runIds: [moons.id], outDir: '/tmp/x' }] });
    await settle(page);
    assert.equal(await page.locator('#explore-training-epochs').count(), 0);
    await send(page, { type: 'live', msgs: [{ type: 'runStart', run: edited, index: 0, total: 1 }] });
    await settle(page);
    assert.equal(await page.getByLabel('Hidden layers', { exact: true }).inputValue(), '32, 32');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'explore-training-epochs');
  });
});

describe('explore: try a sample', () => {
  it('is offered only for runs with a saved model', async () => {
    const page = await explore([moons]);
    assert.equal(await page.locator('.ll-sample').count(), 0);
  });

  it('builds the form from the preprocessing, posts predict with the typed values, draws the reply', async () => {
    const page = await explore([heart]);
    const pre = heart.preprocessing!;
    assert.deepEqual(await page.$$eval('.ll-sample-form [data-column]', (els) => els.map((e) => e.getAttribute('data-column'))), pre.inputColumns);
    const age = pre.features.find((f) => f.kind === 'numeric' && f.column === 'age') as { mean: number };
    assert.equal(Number(await page.getByLabel('age', { exact: true }).inputValue()), Number(age.mean.toPrecision(4)), 'numeric inputs start at the training mean');
    assert.deepEqual(await page.$$eval('#sample-thal option', (os) => os.map((o) => o.textContent)), ['fixed', 'normal', 'reversible', 'other (not seen in training)…']);

    await page.getByLabel('age', { exact: true }).fill('63');
    await page.getByLabel('thalach', { exact: true }).fill('118');
    await page.getByLabel('thal', { exact: true }).selectOption('reversible');
    await page.getByRole('button', { name: 'Predict' }).click();
    const means = Object.fromEntries(pre.features.filter((f) => f.kind === 'numeric').map((f) => [f.column, Number((f as { mean: number }).mean.toPrecision(4))]));
    const req = (await posted(page)).at(-1)!;
    assert.equal(req.type, 'predict');
    assert.equal(req.modelDir, heart.modelDir);
    assert.deepEqual(req.input, { ...means, age: 63, thalach: 118, thal: 'reversible' });
    assert.equal(typeof req.requestId, 'number');
    assert.match(await page.textContent('.ll-prediction') ?? '', /Predicting/);

    // A late answer to some other request changes nothing; the matching one is drawn.
    await send(page, { type: 'prediction', requestId: (req.requestId as number) + 100, probs: { 0: 0.9, 1: 0.1 } });
    await settle(page);
    assert.match(await page.textContent('.ll-prediction') ?? '', /Predicting/);
    await send(page, { type: 'prediction', requestId: req.requestId, probs: { 0: 0.17, 1: 0.83 } });
    await settle(page);
    assert.equal(await page.textContent('.ll-predicted'), 'Predicted class: 1 (83.0%)');
    const bars = await page.$$eval('.ll-bar-row', (rows) => rows.map((r) => [r.getAttribute('data-class'), r.querySelector('.ll-bar-value')!.textContent, (r.querySelector('.ll-bar-fill') as HTMLElement).getBoundingClientRect().width / (r.querySelector('.ll-bar-track') as HTMLElement).getBoundingClientRect().width]));
    assert.deepEqual(bars.map((b) => b.slice(0, 2)), [['0', '17.0%'], ['1', '83.0%']]);
    assert.ok(Math.abs((bars[0][2] as number) - 0.17) < 0.01 && Math.abs((bars[1][2] as number) - 0.83) < 0.01, `bar lengths follow the probabilities: ${bars.map((b) => b[2])}`);
    await page.screenshot({ path: join(ARTIFACTS, 'sample.png'), fullPage: true });

    // An unseen category goes through as typed; an error reply is shown as an error.
    await page.getByLabel('thal', { exact: true }).selectOption({ label: 'other (not seen in training)…' });
    await page.keyboard.type('unusual');
    await page.keyboard.press('Enter');
    const req2 = (await posted(page)).at(-1)!;
    assert.equal((req2.input as Record<string, unknown>).thal, 'unusual');
    assert.notEqual(req2.requestId, req.requestId);
    await send(page, { type: 'prediction', requestId: req2.requestId, error: 'model.json not found in /workspace/runs/heart/heart/model' });
    await settle(page);
    assert.match(await page.textContent('.ll-prediction [role=alert]') ?? '', /Prediction failed: model\.json not found/);
  });

  it('typed values and the answer survive switching tabs; a retrained model drops the old answer', async () => {
    const page = await explore([heart]);
    await page.getByLabel('age', { exact: true }).fill('41');
    await page.getByRole('button', { name: 'Predict' }).click();
    const req = (await posted(page)).at(-1)!;
    await send(page, { type: 'prediction', requestId: req.requestId, probs: { 0: 0.6, 1: 0.4 } });
    await settle(page);
    await page.click('[data-tab="curves"]');
    await settle(page);
    await page.click('[data-tab="explore"]');
    await settle(page);
    assert.equal(await page.getByLabel('age', { exact: true }).inputValue(), '41');
    assert.equal(await page.textContent('.ll-predicted'), 'Predicted class: 0 (60.0%)');
    await send(page, { type: 'showRuns', title: 'heart', runs: [{ ...heart, startedAt: '2030-01-01T00:00:00.000Z' }] });
    await settle(page);
    assert.equal(await page.getByLabel('age', { exact: true }).inputValue(), '41');
    assert.equal(await page.locator('.ll-predicted').count(), 0);
  });

  it('refuses a non-number without posting', async () => {
    const page = await explore([heart]);
    await page.getByLabel('chol', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Predict' }).click();
    assert.match(await page.textContent('#sample-chol-error') ?? '', /chol must be a number/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sample-chol');
    assert.deepEqual(await posted(page), []);
  });
});

describe('explore in the HTML report', () => {
  it('is read-only, with a hint to open VS Code', async () => {
    const html = renderReportHtml([heart, moons], { title: 'Heart', webviewJs: readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8'), css: readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8') });
    const file = join(ARTIFACTS, 'explore-report.html');
    writeFileSync(file, html);
    const page = await panels.browser().newPage({ viewport: { width: 1100, height: 900 } });
    const log: string[] = [];
    page.on('pageerror', (e) => log.push(e.message));
    await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    await page.goto(`file://${file}`);
    await page.waitForSelector('[data-tab="explore"]');
    await page.click('[data-tab="explore"]');
    await page.waitForSelector('.ll-explore');
    const states = await page.$$eval('.ll-explore input, .ll-explore select, .ll-sample input, .ll-sample select, .ll-sample button', (els) => els.map((e) => (e as HTMLInputElement).disabled));
    assert.ok(states.length >= 14 && states.every(Boolean), `every control disabled (${states.length})`);
    assert.deepEqual(await page.$$eval('.ll-report-hint', (els) => els.map((e) => e.textContent)), ['Read-only in a report: open in VS Code to explore.', 'Read-only in a report: open in VS Code to explore.']);
    await page.screenshot({ path: join(ARTIFACTS, 'explore-report.png'), fullPage: true });
    assert.deepEqual(log, []);
    await page.close();
  });
});
