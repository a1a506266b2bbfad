// The compact forms the extension host sends a live training in (src/extension/panel.ts): snapshots
// as thousandths, a frame's epochs as one Float64Array, neuron maps as Float64Arrays. In real
// Chromium the panel must build from them exactly the run the worker's own messages make, refuse a
// malformed one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../src/core/engine/types';
import { compactSnapshot } from '../../src/core/run/compactSnapshot';
import { packEpochs } from '../../src/core/run/packedEpochs';
import { headerOf } from '../../src/core/run/apply';
import { roundProbability } from '../../src/core/engine/plain-grid';
import { live, loadFixture, send, settle, usePanels } from './harness';

const fixture = loadFixture<RunRecord>('moons-mlp.run.json');
// What a run records: probabilities to 0.1%.
const run: RunRecord = { ...fixture, snapshots: fixture.snapshots.map((s) => ({ ...s, probs: Array.from(s.probs, roundProbability) })) };

type LL = { __logitLab: { store: { runs: RunRecord[] }; stats: { rejected: number } } };
const panels = usePanels();

describe('live batches in compact form', () => {
  it('make the same run as the worker messages', async () => {
    const page = await panels.open();
    // tsx keeps function names with a __name helper that the page does not have.
    await page.evaluate('window.__name = (f) => f');
    const header = headerOf(run);
    const epochs = run.history.map((epoch) => ({ type: 'epoch' as const, runId: run.id, epoch, totalEpochs: run.history.length }));
    const half = Math.floor(epochs.length / 2);
    // Plain arrays across the page boundary; the page makes the typed arrays VS Code would deliver.
    const packs = [packEpochs(epochs.slice(0, half))!, packEpochs(epochs.slice(half))!].map((p) => ({ ...p, values: Array.from(p.values) }));
    const snaps = run.snapshots.map((s) => { const c = compactSnapshot(s)!; return { ...c, milli: Array.from(c.milli) }; });
    assert.equal(snaps.length, run.snapshots.length, 'every recorded snapshot compacts');
    const maps = run.neuronMaps!;
    await page.evaluate(async ({ header, packs, snaps, maps, runId }) => {
      const post = (msgs: unknown[]) => window.postMessage({ type: 'live', msgs }, '*');
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      post([{ type: 'experimentStart', name: 'moons-mlp', runIds: [runId], outDir: '/tmp/x' }, { type: 'runStart', run: { ...header, status: 'running', final: undefined }, index: 0, total: 1 }]);
      await frame();
      post([{ type: 'epochsPacked', packed: { ...packs[0], values: Float64Array.from(packs[0].values) } }, ...snaps.slice(0, 5).map((s) => ({ type: 'snapshotMilli', runId, snapshot: { ...s, milli: Uint16Array.from(s.milli) } }))]);
      await frame();
      post([{ type: 'epochsPacked', packed: { ...packs[1], values: Float64Array.from(packs[1].values) } }, ...snaps.slice(5).map((s) => ({ type: 'snapshotMilli', runId, snapshot: { ...s, milli: Uint16Array.from(s.milli) } })),
        { type: 'runEndPacked', runId, dir: '/tmp/x/run', run: { ...header, neuronMaps: { units: maps.units, values: maps.values.map((v) => Float64Array.from(v)) } } },
        { type: 'experimentEnd', summary: { groups: [] }, outDir: '/tmp/x', cancelled: false }]);
      await frame();
    }, { header, packs, snaps, maps, runId: run.id });
    await settle(page);
    const got = await page.evaluate(() => {
      const w = window as unknown as LL;
      return { runs: JSON.parse(JSON.stringify(w.__logitLab.store.runs, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))) as RunRecord[], rejected: w.__logitLab.stats.rejected };
    });
    assert.equal(got.rejected, 0);
    assert.equal(got.runs.length, 1);
    const shown = got.runs[0];
    assert.deepEqual(shown.history, run.history, 'the history, epoch by epoch');
    assert.deepEqual(shown.snapshots.map((s) => Array.from(s.probs)), run.snapshots.map((s) => s.probs), 'the snapshots, value by value');
    assert.deepEqual(shown.neuronMaps, run.neuronMaps, 'the neuron maps');
    assert.equal(shown.status, run.status);
  });

  it("a run's end sent ahead of its neuron maps says they are coming, then draws them", async () => {
    const page = await panels.open();
    const header = headerOf(run);
    const maps = run.neuronMaps!;
    // As panel.ts sends it live: the run's end with the maps' unit count and no values, the
    // experiment's end, and only then the run's end whole.
    await send(page, live({ type: 'experimentStart', name: 'moons-mlp', runIds: [run.id], outDir: '/tmp/x' }, { type: 'runStart', run: { ...header, status: 'running', final: undefined }, index: 0, total: 1 }));
    await send(page, live({ type: 'runEnd', runId: run.id, dir: '/tmp/x/run', run: { ...header, neuronMaps: { units: maps.units, values: [] } } }, { type: 'experimentEnd', summary: { groups: [] }, outDir: '/tmp/x', cancelled: false }));
    await page.click('[data-tab="network"]');
    await settle(page);
    const text = await page.locator('#ll-view').innerText();
    assert.match(text, /Neuron maps are drawn once the training ends/);
    assert.doesNotMatch(text, /No neuron maps for this run/);
    assert.equal(await page.locator('canvas.ll-neuron').count(), 0);
    await page.evaluate(({ header, maps, runId }) => {
      window.postMessage({ type: 'live', msgs: [{ type: 'runEndPacked', runId, dir: '/tmp/x/run', run: { ...header, neuronMaps: { units: maps.units, values: maps.values.map((v) => Float64Array.from(v)) } } }] }, '*');
    }, { header, maps, runId: run.id });
    await settle(page);
    assert.equal(await page.locator('canvas.ll-neuron').count(), maps.units);
    assert.doesNotMatch(await page.locator('#ll-view').innerText(), /Neuron maps are drawn once/);
  });

  it('a compact form that is not what it claims is refused, never drawn', async () => {
    const page = await panels.open();
    await page.evaluate(() => {
      window.postMessage({ type: 'live', msgs: [{ type: 'snapshotMilli', runId: 'a', snapshot: { epoch: 1, milli: Uint16Array.from([5000]) } }] }, '*');
      window.postMessage({ type: 'live', msgs: [{ type: 'epochsPacked', packed: { runId: 'a', totalEpochs: 3, hasVal: true, layers: 1, values: new Float64Array(5) } }] }, '*');
      window.postMessage({ type: 'live', msgs: [{ type: 'snapshotMilli', runId: 'a', snapshot: { epoch: 1, milli: [1, 2] } }] }, '*');
    });
    await settle(page);
    const rejected = await page.evaluate(() => (window as unknown as LL).__logitLab.stats.rejected);
    assert.equal(rejected, 3);
    await send(page, { type: 'live', msgs: [] });
  });
});
