// The panel's views as a demanding user checks them, in real Chromium: one experiment at a time,
// points from the first frame, no -100% without a validation split, the heart slice judged by the
// model in original units, a threshold that drives the whole report, overlays and the sweep chart,
// a seed study that leads with success rates, plots that fill and follow the window, exports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/engine/types';
import { classColor, parseColor } from '../../webview/render/palette';
import { ARTIFACTS, ROOT, loadFixture, pixel, send, settle, toPx, usePanels } from './harness';

const moons = loadFixture<RunRecord>('moons-mlp.run.json');
const compare = loadFixture<RunRecord[]>('moons-compare.runs.json');
const seeds = loadFixture<RunRecord[]>('ring-seeds.runs.json');
const sweep = loadFixture<RunRecord[]>('window-lr-sweep.runs.json');
const heart = JSON.parse(readFileSync(join(ROOT, 'test', 'webview', 'fixtures', 'heart.run.json'), 'utf8')) as RunRecord;

type Chart = { data: { datasets: { label: string; data: { x: number; y: number | null }[] }[] }; options: { scales: Record<string, { type?: string; max?: number }> }; canvas: HTMLCanvasElement };
type LL = { __logitLab: { ui: Record<string, unknown>; store: { runs: RunRecord[]; status: string }; charts: Map<string, Chart>; layouts: Record<string, { misclassified?: number; unitX(v: number): number; unitY(v: number): number }>; painted: Record<string, number | undefined> }; __posted: { type: string; format?: string; data?: string; name?: string }[] };

const panels = usePanels();
const live = (msg: unknown) => ({ type: 'live', msgs: [msg] });
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

async function tab(page: Page, name: string): Promise<void> {
  await page.click(`[data-tab="${name}"]`);
  await settle(page);
}

const rows = (page: Page) => page.$$eval('#compare-table tbody tr', (trs) => trs.map((r) => ({ id: r.getAttribute('data-run'), cells: Array.from(r.querySelectorAll('td')).map((td) => td.textContent) })));

/** A run's events as the host streams them: runStart, its epochs and snapshots in order, runEnd. */
function events(r: RunRecord, index: number, total: number, outDir: string): unknown[] {
  const { history, snapshots, ...header } = r;
  return [
    { type: 'runStart', run: { ...header, status: 'running' }, index, total },
    ...history.flatMap((e) => [
      { type: 'epoch', runId: r.id, epoch: e, totalEpochs: history.length },
      ...snapshots.filter((s) => s.epoch === e.epoch).map((snapshot) => ({ type: 'snapshot', runId: r.id, snapshot })),
    ]),
    { type: 'runEnd', runId: r.id, run: header, dir: `${outDir}/${r.id}` },
  ];
}

/** Trains (as the host streams it) an experiment whose runs end as `runs`. */
function experiment(name: string, runs: RunRecord[]): unknown[] {
  return [
    { type: 'live', msgs: [
      { type: 'experimentStart', name, runIds: runs.map((r) => r.id), outDir: `/tmp/${name}` },
      ...runs.flatMap((r, i) => events(r, i, runs.length, `/tmp/${name}`)),
      { type: 'experimentEnd', summary: { groups: [] }, outDir: `/tmp/${name}`, cancelled: false },
    ] },
  ];
}

describe('one experiment at a time', () => {
  it('a second experiment trained replaces the first on screen; the switcher brings the first back; same run ids never mix', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'moons-compare', runs: compare });
    await settle(page);
    // The seed study reuses a run id of the first experiment: it must not overwrite it.
    const clash = { ...seeds[0], id: compare[0].id };
    const study = [clash, ...seeds.slice(1)];
    await send(page, ...experiment('ring-seeds', study));
    await settle(page);
    await tab(page, 'compare');
    assert.deepEqual((await rows(page)).map((r) => r.id).sort(), study.map((r) => r.id).sort(), 'only the seed study in the table');
    const overlay = await page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('overlay')!.data.datasets.map((d) => d.label));
    assert.ok(overlay.every((l) => study.some((r) => l.startsWith(r.name))), `overlay only has seed-study runs: ${overlay}`);
    const maxEpoch = await page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('overlay')!.options.scales.x.max);
    assert.equal(maxEpoch, Math.max(...study.map((r) => r.history.at(-1)!.epoch)), 'the epoch axis is this experiment\'s');
    await tab(page, 'seeds');
    assert.equal(await page.locator('.ll-seed').count(), study.length);
    const options = await page.$$eval('#ll-experiment option', (os) => os.map((o) => o.textContent));
    assert.equal(options.length, 2, `switcher lists both experiments: ${options}`);
    assert.equal(await page.inputValue('#ll-experiment'), 'ring-seeds');
    await page.screenshot({ path: join(ARTIFACTS, 'scope-seeds.png') });
    await page.selectOption('#ll-experiment', 'moons-compare');
    await settle(page);
    await tab(page, 'compare');
    assert.deepEqual((await rows(page)).map((r) => r.id).sort(), compare.map((r) => r.id).sort());
    const first = (await rows(page)).find((r) => r.id === compare[0].id)!;
    assert.equal(first.cells[0], compare[0].name, 'the clashing id still shows the first experiment\'s run');
  });

  it('the switcher offers the experiments on disk; picking one asks the host and shows it when it comes', async () => {
    const page = await panels.open('dark');
    await send(page, { type: 'showRuns', title: 'moons-compare', runs: compare, experiments: ['window-lr', 'moons-compare', 'ring-seeds'] });
    await settle(page);
    const other = await page.$$eval('#ll-experiment optgroup option', (os) => os.map((o) => o.textContent));
    assert.deepEqual(other, ['window-lr', 'ring-seeds']);
    await page.selectOption('#ll-experiment', 'window-lr');
    const posted = (await page.evaluate(() => (window as unknown as LL).__posted)).filter((m) => m.type === 'showExperiment');
    assert.deepEqual(posted, [{ type: 'showExperiment', name: 'window-lr' }]);
    await send(page, { type: 'showRuns', title: 'window-lr', runs: sweep, experiments: ['window-lr', 'moons-compare', 'ring-seeds'] });
    await settle(page);
    assert.equal(await page.inputValue('#ll-experiment'), 'window-lr');
    assert.deepEqual(await page.evaluate(() => (window as unknown as LL).__logitLab.store.runs.map((r) => r.id)), sweep.map((r) => r.id));
    await page.screenshot({ path: join(ARTIFACTS, 'switcher.png') });
  });

  it('while training, the points are drawn before the first boundary, then every boundary as it arrives', async () => {
    const page = await panels.open('light');
    const { history, snapshots, final: _f, report: _r, ...rest } = moons;
    // The run's points arrive with runStart (before any snapshot).
    await send(page, live({ type: 'experimentStart', name: 'moons', runIds: [moons.id], outDir: '/tmp/m' }),
      live({ type: 'runStart', run: { ...rest, status: 'running', points: { train: { ...moons.points!.train, predicted: undefined }, val: { ...moons.points!.val, predicted: undefined } } }, index: 0, total: 1 }),
      live({ type: 'epoch', runId: moons.id, epoch: history[0], totalEpochs: history.length }));
    await settle(page);
    const i = moons.points!.train.label.findIndex((l, n) => l === 1 && moons.points!.train.x[n] > 1.5);
    const at = await pixel(page, 'boundary', ...(await toPx(page, 'boundary', moons.points!.train.x[i], moons.points!.train.y[i])));
    assert.ok(dist(at, parseColor(classColor(1, 2))) < 40, `a training point is drawn before any boundary, got ${at}`);
    await page.screenshot({ path: join(ARTIFACTS, 'live-points-before-boundary.png') });
    for (const s of snapshots.slice(0, 5)) {
      await send(page, live({ type: 'snapshot', runId: moons.id, snapshot: s }));
      await settle(page);
      assert.equal(await page.evaluate(() => (window as unknown as LL).__logitLab.painted.boundary), s.epoch, 'the newest boundary is on the canvas');
    }
  });
});

describe('numbers a user reads', () => {
  it('validation: 0 — no -100%: "—", sorted by train accuracy, train loss overlaid, final accuracy against lr on a log axis', async () => {
    const page = await panels.open('dark');
    await send(page, { type: 'showRuns', title: 'window-lr', runs: sweep });
    await settle(page);
    await tab(page, 'compare');
    const table = await rows(page);
    assert.ok(table.every((r) => r.cells[3] === '—'), `val acc column: ${table.map((r) => r.cells[3])}`);
    assert.doesNotMatch(await page.textContent('#compare-table') ?? '', /-100|NaN/);
    const byTrain = [...sweep].sort((a, b) => b.final!.trainAcc - a.final!.trainAcc || a.name.localeCompare(b.name)).map((r) => r.id);
    assert.deepEqual(table.map((r) => r.id), byTrain);
    assert.match(await page.textContent('h3:has(+ .ll-chart-box #compare-overlay)') ?? '', /Train loss, all runs/);
    const overlay = await page.evaluate(() => (window as unknown as LL).__logitLab.charts.get('overlay')!.data.datasets.map((d) => d.data.filter((p) => p.y !== null).length));
    assert.deepEqual(overlay, sweep.map((r) => r.history.length), 'one train-loss line per run, every epoch');
    const s = await page.evaluate(() => { const c = (window as unknown as LL).__logitLab.charts.get('sweep')!; return { type: c.options.scales.x.type, pts: c.data.datasets.map((d) => d.data) }; });
    assert.equal(s.type, 'logarithmic');
    assert.deepEqual(s.pts, [[0.001, 0.01, 0.1].map((x) => ({ x, y: sweep.find((r) => r.config.optimizer.lr === x)!.final!.trainAcc }))]);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-no-validation.png'), fullPage: true });
    // A mix: runs without a validation value sort last in both directions.
    await send(page, { type: 'showRuns', title: 'mixed', runs: [...compare, { ...sweep[2], id: 'noval' }] });
    await settle(page);
    await tab(page, 'compare');
    assert.equal((await rows(page)).at(-1)!.id, 'noval');
    await page.click('.ll-sort[data-key="valAcc"]');
    await settle(page);
    assert.equal((await rows(page)).at(-1)!.id, 'noval', 'still last ascending');
  });

  it('curves: every run\'s train loss and accuracy on one chart (the lr-sanity lesson)', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'window-lr', runs: sweep });
    await settle(page);
    await tab(page, 'curves');
    await page.selectOption('#curves-runs', 'all');
    await settle(page);
    const sets = await page.evaluate(() => ['loss', 'acc'].map((k) => (window as unknown as LL).__logitLab.charts.get(k)!.data.datasets.map((d) => d.label)));
    for (const labels of sets) assert.deepEqual(labels, sweep.map((r) => `${r.name} train`));
    await page.screenshot({ path: join(ARTIFACTS, 'curves-overlay.png') });
  });

  it('heart: crosses are the model\'s own mistakes, axes in years and beats per minute', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'heart', runs: [heart] });
    await settle(page);
    const pts = heart.points!;
    const wrong = ['train', 'val'].reduce((n, k) => { const p = pts[k as 'train' | 'val']; return n + p.label.filter((l, i) => p.predicted![i] !== l).length; }, 0);
    const expected = Math.round((1 - heart.final!.trainAcc) * pts.train.x.length + (1 - heart.final!.valAcc!) * pts.val.x.length);
    assert.equal(wrong, expected, 'the fixture\'s predictions agree with its accuracies');
    const layout = await page.evaluate(() => { const l = (window as unknown as LL).__logitLab.layouts.boundary; return { wrong: l.misclassified, age0: l.unitX(0), thalach0: l.unitY(0), age1: l.unitX(1) }; });
    assert.equal(layout.wrong, wrong, `crosses drawn = the model's mistakes (${wrong})`);
    const age = heart.preprocessing!.features.find((f) => f.name === 'age') as { mean: number; std: number };
    const thalach = heart.preprocessing!.features.find((f) => f.name === 'thalach') as { mean: number; std: number };
    assert.ok(Math.abs(layout.age0 - age.mean) < 1e-9 && Math.abs(layout.age1 - age.mean - age.std) < 1e-9, 'x axis in years');
    assert.ok(Math.abs(layout.thalach0 - thalach.mean) < 1e-9, 'y axis in beats per minute');
    await page.screenshot({ path: join(ARTIFACTS, 'heart-slice.png') });
  });

  it('the threshold slider drives the confusion matrix and the per-class table; zero cells stay plain', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'Moons', runs: [moons] });
    await settle(page);
    await tab(page, 'report');
    const { y, p } = moons.valPredictions!;
    const confusionAt = (t: number) => { const c = [[0, 0], [0, 0]]; y.forEach((l, i) => c[l][p[i] >= t ? 1 : 0]++); return c.flat(); };
    const read = () => page.evaluate(() => ({
      cells: Array.from(document.querySelectorAll('.ll-confusion tbody td')).map((t) => Number(t.textContent)),
      recall: Array.from(document.querySelectorAll('.ll-per-class tbody tr')).map((tr) => Number(tr.querySelectorAll('td')[2].textContent)),
    }));
    const before = await read();
    assert.deepEqual(before.cells, confusionAt(0.5));
    await page.fill('#threshold', '0.97');
    await page.$eval('#threshold', (e) => e.dispatchEvent(new Event('input')));
    await settle(page);
    const after = await read();
    assert.deepEqual(after.cells, confusionAt(0.97));
    assert.notDeepEqual(after.cells, before.cells, 'the matrix moved');
    const tp = confusionAt(0.97)[3], support1 = confusionAt(0.97)[2] + tp;
    assert.equal(after.recall[1], Number((tp / support1).toFixed(3)), 'class 1 recall follows the threshold');
    // A zero cell has no shading.
    await page.fill('#threshold', '0.99');
    await page.$eval('#threshold', (e) => e.dispatchEvent(new Event('input')));
    await settle(page);
    const zero = await page.$$eval('.ll-confusion td.ll-zero', (tds) => tds.map((td) => (td as HTMLElement).style.background));
    if (confusionAt(0.99).includes(0)) assert.ok(zero.length > 0 && zero.every((b) => b === ''), 'zero cells unshaded');
    await page.screenshot({ path: join(ARTIFACTS, 'report-threshold.png'), fullPage: true });
  });

  it('seed study: success rates up front, dead units per run, stuck runs at a glance, one small chart per run', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'ring-seeds', runs: seeds });
    await settle(page);
    await tab(page, 'seeds');
    const head = await page.textContent('#seed-headline') ?? '';
    for (const g of new Set(seeds.map((r) => r.group))) {
      const rs = seeds.filter((r) => r.group === g);
      assert.ok(head.includes(`${rs.filter((r) => (r.final?.valAcc ?? 0) >= 0.9).length}/${rs.length}`), head);
    }
    assert.doesNotMatch(head, /best/);
    const dead = await page.$$eval('.ll-seed .ll-dead', (els) => els.map((e) => e.textContent));
    assert.deepEqual(dead, seeds.map((r) => {
      const total = r.config.model.hidden.reduce((a, b) => a + b, 0);
      return `${total - r.history.at(-1)!.alive.reduce((a, b) => a + b, 0)}/${total} dead`;
    }));
    assert.equal(await page.locator('.ll-seed .ll-stuck').count(), seeds.filter((r) => r.stuckAtLn2).length);
    assert.equal(await page.locator('canvas.ll-spark').count(), seeds.length);
    await page.screenshot({ path: join(ARTIFACTS, 'seeds-study.png'), fullPage: true });
  });
});

describe('layout and exports', () => {
  it('plots fill the view and follow the window; nothing scrolls sideways', async () => {
    const page = await panels.open('light');
    await send(page, { type: 'showRuns', title: 'Moons', runs: compare });
    await settle(page);
    const size = () => page.evaluate(() => {
      const c = document.querySelector('canvas[data-key="boundary"]') as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      return { w: r.width, h: r.height, bottom: r.bottom, view: (document.getElementById('ll-view') as HTMLElement).clientWidth, scroll: document.documentElement.scrollWidth, inner: window.innerWidth, innerH: window.innerHeight };
    });
    for (const [w, hgt] of [[300, 700], [700, 600], [1100, 900], [1700, 1200]]) {
      await page.setViewportSize({ width: w, height: hgt });
      await page.waitForTimeout(100);
      await settle(page);
      const s = await size();
      assert.ok(s.scroll <= s.inner, `no horizontal scrollbar at ${w}px (${s.scroll})`);
      assert.ok(s.bottom <= s.innerH + 1, `the boundary fits the window height at ${w}×${hgt} (bottom ${s.bottom})`);
      assert.ok(s.w >= Math.min(s.view, (s.innerH - (w < 500 ? 330 : 200)) * 1.1) * 0.85, `the boundary uses the room at ${w}×${hgt}: ${s.w}px of ${s.view}`);
      if (w === 1700) await page.screenshot({ path: join(ARTIFACTS, 'layout-wide.png') });
      if (w === 700) await page.screenshot({ path: join(ARTIFACTS, 'layout-narrow.png') });
      if (w === 300) await page.screenshot({ path: join(ARTIFACTS, 'layout-side-bar.png') });
    }
    await tab(page, 'curves');
    const charts = await page.evaluate(() => ['loss', 'acc'].map((k) => (window as unknown as LL).__logitLab.charts.get(k)!.canvas.getBoundingClientRect().width));
    const view = await page.evaluate(() => (document.getElementById('ll-view') as HTMLElement).clientWidth);
    assert.ok(charts[0] + charts[1] >= view * 0.8, `the two charts fill the row: ${charts} of ${view}`);
  });

  it('Export PNG saves both curves on an opaque background and says so', async () => {
    const page = await panels.open('dark');
    await send(page, { type: 'showRuns', title: 'Moons', runs: [moons] });
    await settle(page);
    await tab(page, 'curves');
    await page.click('#curves-png');
    const posted = (await page.evaluate(() => (window as unknown as LL).__posted)).find((m) => m.type === 'export')!;
    assert.equal(posted.format, 'png');
    const info = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const corner = ctx.getImageData(1, 1, 1, 1).data;
      const charts = ['chart-loss', 'chart-acc'].map((id) => (document.getElementById(id) as HTMLCanvasElement).width);
      return { w: img.width, alpha: corner[3], rgb: [corner[0], corner[1], corner[2]], charts };
    }, posted.data!);
    assert.equal(info.alpha, 255, 'opaque');
    assert.ok(info.rgb[0] < 60, `dark theme background, got ${info.rgb}`);
    assert.ok(info.w >= info.charts[0] + info.charts[1], `both charts in the image (${info.w} ≥ ${info.charts})`);
    assert.match(await page.textContent('.ll-toast') ?? '', /Exporting .*png/);
  });

  it('legend swatches are thin lines, the pause button a drawn glyph, the end status in words', async () => {
    const page = await panels.open('light');
    await send(page, ...experiment('moons-compare', compare));
    await settle(page);
    assert.match(await page.textContent('.ll-status') ?? '', /^finished 3 runs in \d/);
    assert.doesNotMatch(await page.textContent('.ll-header') ?? '', /group/);
    await tab(page, 'animation');
    await page.click('.ll-play');
    await settle(page);
    assert.equal(await page.locator('.ll-play .ll-glyph.pause').count(), 1);
    assert.doesNotMatch(await page.textContent('.ll-play') ?? '', /⏸/);
    await page.click('.ll-play');
    await tab(page, 'curves');
    const legend = await page.evaluate(() => { return (window as unknown as { __logitLab: { charts: Map<string, { options: { plugins: { legend: { labels: { boxHeight?: number; usePointStyle?: boolean } } } } }> } }).__logitLab.charts.get("loss")!.options.plugins.legend.labels; });
    assert.ok(!legend.usePointStyle && (legend.boxHeight ?? 12) <= 3, `line swatches: ${JSON.stringify(legend)}`);
  });
});

describe('explore: try a sample', () => {
  it('raw features get their real training mean, sd and range (not "mean 0, sd 1"); a field error clears the old answer', async () => {
    const page = await panels.open('light');
    // A moons run as the runner records it: generated data is not standardised, so its fitted
    // encoding is the identity (mean 0, sd 1) while the points themselves are far from that.
    const run = {
      ...moons, modelDir: '/workspace/runs/moons/model',
      preprocessing: { inputColumns: ['x0', 'x1'], classNames: moons.classNames, features: ['x0', 'x1'].map((c) => ({ kind: 'numeric' as const, name: c, column: c, mean: 0, std: 1 })) },
    };
    await send(page, { type: 'showRuns', title: 'moons', runs: [run] });
    await settle(page);
    await tab(page, 'explore');
    const xs = moons.points!.train.x;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const hint = await page.textContent('#sample-x0-help') ?? '';
    assert.doesNotMatch(hint, /mean 0, sd 1/);
    assert.match(hint, new RegExp(`training mean ${String(Number(mean.toPrecision(4))).replace('.', '\\.')}, sd [\\d.]+, range -?[\\d.]+ to [\\d.]+`));
    assert.equal(Number(await page.inputValue('#sample-x0')), Number(mean.toPrecision(4)), 'prefilled with the real mean');
    await page.getByRole('button', { name: 'Predict' }).click();
    const req = (await page.evaluate(() => (window as unknown as { __posted: { type: string; requestId?: number }[] }).__posted)).filter((m) => m.type === 'predict').at(-1)!;
    await send(page, { type: 'prediction', requestId: req.requestId, probs: { 0: 0.3, 1: 0.7 } });
    await settle(page);
    assert.match(await page.textContent('.ll-prediction') ?? '', /Predicted class: 1/);
    await page.fill('#sample-x1', '');
    await page.getByRole('button', { name: 'Predict' }).click();
    await settle(page);
    assert.match(await page.textContent('#sample-x1-error') ?? '', /must be a number/);
    assert.equal((await page.textContent('.ll-prediction'))?.trim(), '', 'no answer for other values beside the error');
  });
});
