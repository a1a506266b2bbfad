// The panel in real Chromium under the extension's CSP: what a person sees, read from canvas pixels,
// charts and the DOM, after feeding it recorded protocol messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/engine/types';
import { contourLines } from '../../webview/render/boundary';
import { classColor, mix, parseColor } from '../../webview/render/palette';
import { ARTIFACTS, live, loadFixture, pixel, send, settle, toPx, usePanels } from './harness';

const moons = loadFixture<RunRecord>('moons-mlp.run.json');
const blobs = loadFixture<RunRecord>('blobs3.run.json');
const windowRun = loadFixture<RunRecord>('window-1d.run.json');
const compare = loadFixture<RunRecord[]>('moons-compare.runs.json');
const seeds = loadFixture<RunRecord[]>('ring-seeds.runs.json');

type LL = { __logitLab: { ui: Record<string, unknown>; store: { runs: RunRecord[] }; stats: { messages: number; rejected: number; renders: number }; charts: Map<string, { data: { datasets: { label: string; data: unknown[] }[] } }> }; __posted: unknown[]; __cspViolations: string[] };

const panels = usePanels();

async function panel(theme: 'light' | 'dark' | 'high-contrast' = 'light'): Promise<Page> {
  return panels.open(theme);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.click(`[data-tab="${name}"]`);
  await settle(page);
}

const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** A grid cell centre (data coordinates) where the last snapshot says `pred` with confidence, far from any point. */
function confidentCell(run: RunRecord, test: (p: ArrayLike<number>) => boolean): [number, number] {
  const g = run.grid!, snap = run.snapshots.at(-1)!, k = g.classes <= 2 ? 1 : g.classes;
  const pts = [...run.points!.train.x.map((x, i) => [x, run.points!.train.y[i]]), ...run.points!.val.x.map((x, i) => [x, run.points!.val.y[i]])];
  for (let j = 3; j < g.ny - 3; j++) for (let i = 3; i < g.nx - 3; i++) {
    const cell = j * g.nx + i;
    const p = k === 1 ? [1 - snap.probs[cell], snap.probs[cell]] : snap.probs.slice(cell * k, cell * k + k);
    const x = g.xMin + (i * (g.xMax - g.xMin)) / (g.nx - 1), y = g.yMin + (j * (g.yMax - g.yMin)) / (g.ny - 1);
    const clear = pts.every(([px, py]) => Math.hypot((px - x) / (g.xMax - g.xMin), (py - y) / (g.yMax - g.yMin)) > 0.04);
    if (clear && test(p)) return [x, y];
  }
  throw new Error('no such cell');
}

describe('decision boundary view', () => {
  it('colours the two classes, draws the 0.5 contour and the points (binary, light theme)', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Moons', runs: [moons] });
    await settle(page);
    const [bx, by] = confidentCell(moons, (p) => p[1] > 0.97);
    const [rx, ry] = confidentCell(moons, (p) => p[0] > 0.97);
    const blue = await pixel(page, 'boundary', ...(await toPx(page, 'boundary', bx, by)));
    const red = await pixel(page, 'boundary', ...(await toPx(page, 'boundary', rx, ry)));
    assert.ok(blue[2] > blue[0] + 60, `class 1 region is blue, got ${blue}`);
    assert.ok(red[0] > red[2] + 60, `class 0 region is red, got ${red}`);
    // The 0.5 contour: dark (foreground-coloured) pixels along the level set the fixture implies.
    const line = contourLines(moons.grid!, moons.snapshots.at(-1)!.probs, 0.5).sort((a, b) => b.length - a.length)[0];
    let dark = 0;
    for (const [x, y] of line.filter((_, i) => i % 5 === 0)) {
      const [px, py] = await toPx(page, 'boundary', x, y);
      const around = await Promise.all([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]].map(([dx, dy]) => pixel(page, 'boundary', px + dx, py + dy)));
      if (around.some((c) => c[0] + c[1] + c[2] < 200)) dark++;
    }
    const samples = line.filter((_, i) => i % 5 === 0).length;
    assert.ok(dark / samples > 0.8, `contour drawn at ${dark}/${samples} sampled points`);
    // A training point is drawn in its class colour at its position.
    const i = moons.points!.train.label.findIndex((l, n) => l === 1 && moons.points!.train.x[n] > 1.5);
    const at = await pixel(page, 'boundary', ...(await toPx(page, 'boundary', moons.points!.train.x[i], moons.points!.train.y[i])));
    assert.ok(dist(at, parseColor(classColor(1, 2))) < 40, `train point filled with class 1 colour, got ${at}`);
    await page.screenshot({ path: join(ARTIFACTS, 'boundary-binary-light.png') });
  });

  it('multi-class: each region takes its class colour (dark theme)', async () => {
    const page = await panel('dark');
    await send(page, { type: 'showRuns', title: 'Blobs', runs: [blobs] });
    await settle(page);
    for (let c = 0; c < 3; c++) {
      const [x, y] = confidentCell(blobs, (p) => p[c] > 0.95);
      const rgb = await pixel(page, 'boundary', ...(await toPx(page, 'boundary', x, y)));
      // Distance from the segment background → class colour (the renderer blends by confidence).
      const bg = parseColor('#1e1e1e');
      const d = [0, 1, 2].map((k) => Math.min(...Array.from({ length: 21 }, (_, t) => dist(rgb, mix(bg, parseColor(classColor(k, 3)), t / 20)))));
      assert.equal(d.indexOf(Math.min(...d)), c, `cell of class ${c} is nearest class ${c}'s colour: ${rgb}`);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'boundary-multiclass-dark.png') });
  });

  it('1-D data: the probability curve over x with the 0.5 line', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Window', runs: [windowRun] });
    await settle(page);
    const g = windowRun.grid!, snap = windowRun.snapshots.at(-1)!;
    // Where the curve crosses 0.5: away from the targets drawn at 0 and 1, which cover the curve.
    const gap = snap.probs.map((p) => Math.abs(p - 0.5));
    const i = gap.indexOf(Math.min(...gap));
    const x = g.xMin + (i * (g.xMax - g.xMin)) / (g.nx - 1);
    const [px, py] = await toPx(page, 'boundary', x, snap.probs[i]);
    const near = await Promise.all([-1, 0, 1].map((d) => pixel(page, 'boundary', px, py + d)));
    assert.ok(near.some((c) => c[0] + c[1] + c[2] < 200), `curve passes through its 0.5 crossing: ${JSON.stringify(near)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'boundary-1d.png') });
  });
});

describe('animation', () => {
  it('applies every live message in order, batching renders, then scrubs over recorded epochs', async () => {
    const page = await panel('light');
    await tab(page, 'animation');
    const { history, snapshots, ...rest } = moons;
    const msgs: unknown[] = [live({ type: 'experimentStart', name: 'moons', runIds: [moons.id], outDir: '/tmp/x' }),
      live({ type: 'runStart', run: { ...rest, status: 'running' }, index: 0, total: 1 })];
    for (const e of history) {
      msgs.push(live({ type: 'epoch', runId: moons.id, epoch: e, totalEpochs: history.length }));
      const s = snapshots.find((x) => x.epoch === e.epoch);
      if (s) msgs.push(live({ type: 'snapshot', runId: moons.id, snapshot: s }));
    }
    // Half now, half in the next tick: the panel must queue, not drop.
    await send(page, ...msgs.slice(0, 120));
    await send(page, ...msgs.slice(120), live({ type: 'runEnd', runId: moons.id, run: rest, dir: '/tmp/x/moons' }), live({ type: 'experimentEnd', summary: { groups: [] }, outDir: '/tmp/x', cancelled: false }));
    await settle(page);
    const st = await page.evaluate(() => { const w = window as unknown as LL; return { stats: w.__logitLab.stats, epochs: w.__logitLab.store.runs[0].history.map((e) => e.epoch) }; });
    assert.equal(st.stats.messages, msgs.length + 2);
    assert.deepEqual(st.epochs, history.map((e) => e.epoch), 'every epoch, in order');
    assert.ok(st.stats.renders < st.stats.messages / 4, `rendered ${st.stats.renders} times for ${st.stats.messages} messages`);
    assert.match(await page.textContent('.ll-frame-info') ?? '', new RegExp(`epoch ${snapshots.at(-1)!.epoch} /`));
    const last = await page.evaluate(() => (document.querySelector('canvas[data-key="animation"]') as HTMLCanvasElement).toDataURL());
    await page.screenshot({ path: join(ARTIFACTS, 'animation-last.png') });
    // Scrub to the first frame: the picture and the caption change.
    await page.focus('.ll-scrub');
    await page.keyboard.press('Home');
    await settle(page);
    const first = await page.evaluate(() => (document.querySelector('canvas[data-key="animation"]') as HTMLCanvasElement).toDataURL());
    assert.notEqual(first, last);
    assert.match(await page.textContent('.ll-frame-info') ?? '', new RegExp(`^epoch ${snapshots[0].epoch} /`));
    await page.screenshot({ path: join(ARTIFACTS, 'animation-first.png') });
    // Play advances the frame.
    await page.click('.ll-play');
    await page.waitForFunction(() => ((window as unknown as LL).__logitLab.ui.frame as number) >= 3);
    await page.click('.ll-play');
    const chart = await page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('animation-loss')!.data.datasets.map((d) => d.data.length));
    assert.ok(chart[0] > 0 && chart[0] < history.length, 'the loss chart shows epochs up to the frame');
  });

  it('curves grow live, epoch by epoch', async () => {
    const page = await panel('dark');
    const { history, snapshots: _s, stopReason: _r, final: _f, message: _m, bestEpoch: _b, ...rest } = compare[1];
    await send(page, live({ type: 'runStart', run: { ...rest, status: 'running' }, index: 0, total: 1 }));
    await settle(page);
    await tab(page, 'curves');
    const points = () => page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('loss')!.data.datasets.map((d) => d.data.length));
    await send(page, live(...history.slice(0, 10).map((e) => ({ type: 'epoch', runId: rest.id, epoch: e, totalEpochs: 300 }))));
    await settle(page);
    assert.deepEqual(await points(), [10, 10]);
    await send(page, live(...history.slice(10, 25).map((e) => ({ type: 'epoch', runId: rest.id, epoch: e, totalEpochs: 300 }))));
    await settle(page);
    assert.deepEqual(await points(), [25, 25]);
    assert.match(await page.textContent('.ll-summary') ?? '', /25 epochs .* running/);
    await page.screenshot({ path: join(ARTIFACTS, 'curves-live-dark.png') });
  });

  it('state survives a reload (getState/setState)', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Compare', runs: compare });
    await settle(page);
    await tab(page, 'curves');
    await page.waitForFunction(() => JSON.parse(sessionStorage.getItem('state') || '{}').tab === 'curves');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Partial<LL>).__logitLab !== undefined);
    await settle(page);
    assert.equal(await page.getAttribute('[data-tab="curves"]', 'aria-selected'), 'true');
    const n = await page.evaluate(() => (window as unknown as LL).__logitLab.store.runs.length);
    assert.equal(n, compare.length);
  });

  it('after an experiment ends, shows its first model run under the experiment name, not the last baseline', async () => {
    const page = await panel('light');
    const baseline = compare.find((r) => r.kind === 'baseline')!;
    const model = compare.find((r) => r.kind === 'model' && r.stopReason !== 'diverged')!;
    const header = ({ history: _h, snapshots: _s, ...rest }: RunRecord) => rest;
    await send(page,
      live({ type: 'experimentStart', name: 'moons-mlp', runIds: [model.id, baseline.id], outDir: '/tmp/x' }),
      live({ type: 'runStart', run: { ...header(model), status: 'running' }, index: 0, total: 2 }),
      live({ type: 'runEnd', runId: model.id, run: header(model), dir: '/tmp/x/a' }),
      live({ type: 'runStart', run: { ...header(baseline), status: 'running' }, index: 1, total: 2 }),
      live({ type: 'runEnd', runId: baseline.id, run: header(baseline), dir: '/tmp/x/b' }));
    await settle(page);
    assert.equal(await page.evaluate(() => (window as unknown as LL).__logitLab.ui.runId), baseline.id, 'live view follows the run in training');
    await send(page, live({ type: 'experimentEnd', summary: { groups: [] }, outDir: '/tmp/x', cancelled: false }));
    await settle(page);
    assert.equal(await page.evaluate(() => (window as unknown as LL).__logitLab.ui.runId), model.id);
    assert.match(await page.textContent('body') ?? '', /moons-mlp/);
  });

  it('drops malformed messages without breaking; a malformed run hides no other run', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'x', runs: [{ id: 'nope' }, moons] });
    await settle(page);
    assert.deepEqual(await page.evaluate(() => (window as unknown as LL).__logitLab.store.runs.map((r) => r.id)), [moons.id]);
    assert.match(await page.textContent('body') ?? '', /1 of 2 runs could not be read/);
    await send(page, live({ type: 'epoch', runId: 'a' }), { type: 'bogus' }, { type: 'live', msg: {} }, { type: 'showRuns', title: 'Moons', runs: [moons] });
    await settle(page);
    const st = await page.evaluate(() => (window as unknown as LL).__logitLab.stats);
    assert.equal(st.rejected, 3);
    assert.equal(st.messages, 2);
    assert.deepEqual(await page.evaluate(() => (window as unknown as LL).__posted), [{ type: 'ready' }]);
  });
});

describe('curves, compare, seeds, report, network', () => {
  it('curves: one point per epoch for train and validation; markers for early stop', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Compare', runs: compare });
    await settle(page);
    await page.selectOption('.ll-run-picker', 'mlp-es');
    await tab(page, 'curves');
    const ds = await page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('loss')!.data.datasets.map((d) => [d.label, d.data.length]));
    assert.deepEqual(ds, [['train', compare[1].history.length], ['validation', compare[1].history.length]]);
    await page.check('text=log scale');
    await settle(page);
    await page.screenshot({ path: join(ARTIFACTS, 'curves.png') });
    await page.click('text=Export CSV');
    const posted = await page.evaluate(() => (window as unknown as LL).__posted.at(-1) as { type: string; format: string; data: string });
    assert.equal(posted.type, 'export');
    assert.equal(posted.format, 'csv');
    assert.equal(posted.data.trim().split('\n').length, compare[1].history.length + 1);
  });

  it('curves: a run with a learning-rate schedule exports each epoch\'s rate', async () => {
    const page = await panel('light');
    const scheduled: RunRecord = { ...compare[1], id: 'scheduled', name: 'scheduled', history: compare[1].history.map((e, i) => ({ ...e, lr: 0.01 * 0.9 ** i })) };
    await send(page, { type: 'showRuns', title: 'Scheduled', runs: [scheduled] });
    await settle(page);
    await tab(page, 'curves');
    // The rate is drawn beside the loss, on its own axis.
    const lr = await page.evaluate(() => {
      const chart = (window as unknown as LL).__logitLab.charts.get('loss')!;
      const ds = chart.data.datasets.find((d) => d.label === 'learning rate') as { yAxisID?: string; data: { y: number }[] } | undefined;
      return ds && { axis: ds.yAxisID, first: ds.data[0].y, last: ds.data.at(-1)!.y, n: ds.data.length };
    });
    assert.deepEqual(lr, { axis: 'lr', first: 0.01, last: 0.01 * 0.9 ** (compare[1].history.length - 1), n: compare[1].history.length });
    await page.screenshot({ path: join(ARTIFACTS, 'curves-lr.png') });
    await page.click('text=Export CSV');
    const csv = (await page.evaluate(() => (window as unknown as LL).__posted.at(-1) as { data: string })).data.trim().split('\n');
    const head = csv[0].split(',');
    assert.deepEqual(head.slice(0, 7), ['epoch', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'lr', 'ms']);
    assert.equal(Number(csv[3].split(',')[5]), 0.01 * 0.9 ** 2);
  });

  it('compare: sortable table, a row click shows its boundary', async () => {
    const page = await panel('dark');
    await send(page, { type: 'showRuns', title: 'Compare', runs: compare });
    await settle(page);
    await tab(page, 'compare');
    const order = () => page.$$eval('#compare-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-run')));
    // A diverged run has no final metrics: the table falls back to its last recorded epoch.
    const val = (r: RunRecord) => r.final?.valAcc ?? r.history.at(-1)?.valAcc ?? -1;
    const byVal = [...compare].sort((a, b) => val(b) - val(a)).map((r) => r.id);
    assert.deepEqual(await order(), byVal);
    await page.click('.ll-sort[data-key="params"]');
    await settle(page);
    assert.deepEqual(await order(), [...compare].sort((a, b) => b.params - a.params).map((r) => r.id));
    await page.click('.ll-sort[data-key="params"]');
    await settle(page);
    assert.deepEqual(await order(), [...compare].sort((a, b) => a.params - b.params).map((r) => r.id));
    await page.click('#compare-table tbody tr[data-run="logistic"]');
    await settle(page);
    assert.equal(await page.evaluate(() => (window as unknown as LL).__logitLab.ui.runId), 'logistic');
    assert.match(await page.getAttribute('canvas[data-key="compare"]', 'aria-label') ?? '', /logistic/);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-dark.png'), fullPage: true });
  });

  it('seed study: success rate per group and stuck runs called out', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Ring seeds', runs: seeds });
    await settle(page);
    await tab(page, 'seeds');
    const rates = await page.$$eval('.ll-rate', (els) => els.map((e) => e.textContent));
    const groups = [...new Set(seeds.map((r) => r.group))];
    const expected = groups.map((g) => { const rs = seeds.filter((r) => r.group === g); const w = rs.filter((r) => (r.final?.valAcc ?? 0) >= 0.9).length; return `${w}/${rs.length} succeeded (${Math.round((100 * w) / rs.length)}%)`; });
    assert.deepEqual(rates, expected);
    assert.equal(await page.locator('.ll-seed.stuck').count(), seeds.filter((r) => r.stuckAtLn2).length);
    await page.screenshot({ path: join(ARTIFACTS, 'seeds.png'), fullPage: true });
  });

  it('seed study: the experiment file\'s success criterion sets the metric and the threshold', async () => {
    const page = await panel('light');
    const withCriterion = seeds.map((r) => ({ ...r, success: { metric: 'trainAcc' as const, atLeast: 0.95 } }));
    await send(page, { type: 'showRuns', title: 'Ring seeds', runs: withCriterion });
    await settle(page);
    await tab(page, 'seeds');
    assert.match(await page.textContent('.ll-toolbar label') ?? '', /train acc ≥/);
    assert.equal(await page.inputValue('.ll-toolbar input[type=number]'), '0.95');
    const groups = [...new Set(seeds.map((r) => r.group))];
    const rate = (at: number) => groups.map((g) => { const rs = seeds.filter((r) => r.group === g); const w = rs.filter((r) => (r.final?.trainAcc ?? 0) >= at).length; return `${w}/${rs.length} succeeded (${Math.round((100 * w) / rs.length)}%)`; });
    assert.deepEqual(await page.$$eval('.ll-rate', (els) => els.map((e) => e.textContent)), rate(0.95));
    // The user's threshold wins over the file's.
    await page.fill('.ll-toolbar input[type=number]', '0.5');
    await page.dispatchEvent('.ll-toolbar input[type=number]', 'change');
    await settle(page);
    assert.deepEqual(await page.$$eval('.ll-rate', (els) => els.map((e) => e.textContent)), rate(0.5));
  });

  it('report: confusion matrix and a threshold slider that moves precision and recall', async () => {
    const page = await panel('light');
    await send(page, { type: 'showRuns', title: 'Moons', runs: [moons] });
    await settle(page);
    await tab(page, 'report');
    const cells = await page.$$eval('.ll-confusion tbody td', (tds) => tds.map((t) => Number(t.textContent)));
    assert.deepEqual(cells, moons.report!.val!.confusion.flat());
    const read = () => page.$eval('#threshold-readout', (e) => [Number((e as HTMLElement).dataset.precision), Number((e as HTMLElement).dataset.recall)]);
    const mid = await read();
    await page.fill('#threshold', '0.95');
    await page.$eval('#threshold', (e) => e.dispatchEvent(new Event('input')));
    await settle(page);
    const high = await read();
    assert.ok(high[1] < mid[1], `recall falls as the threshold rises (${mid[1]} → ${high[1]})`);
    assert.ok(high[0] >= mid[0], `precision does not fall (${mid[0]} → ${high[0]})`);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  });

  it('network: one heatmap per first-layer unit; keyboard moves between tabs', async () => {
    const page = await panel('high-contrast');
    await send(page, { type: 'showRuns', title: 'Blobs', runs: [blobs] });
    await settle(page);
    await page.focus('[data-tab="boundary"]');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    await settle(page);
    assert.equal(await page.getAttribute('[data-tab="network"]', 'aria-selected'), 'true');
    assert.equal(await page.locator('canvas.ll-neuron').count(), blobs.neuronMaps!.units);
    await page.screenshot({ path: join(ARTIFACTS, 'network-hc.png'), fullPage: true });
  });
});
