// The completion headline, from recorded runs (the webview fixtures are real engine runs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../../src/core/engine/types';
import { headline } from '../../../src/extension/headline';

const load = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'runs', name), 'utf8')) as T;
const moons = load<RunRecord>('moons-mlp.run.json');
const seeds = load<RunRecord[]>('ring-seeds.runs.json');

describe('headline', () => {
  it('says the wall time the user waited, not the engine time of the run', () => {
    const text = headline('moons', [moons], 7400, false);
    assert.match(text, /^moons: val acc \d+\.\d% in 7\.4 s$/);
    assert.ok(moons.timings.totalMs < 7000, 'the fixture trained faster than the wait');
  });

  it('a seed study reports success rates per group, with stuck runs', () => {
    const text = headline('ring-seeds', seeds, 12_000, false);
    const groups = [...new Set(seeds.map((r) => r.group))];
    const rates = groups.map((g) => { const rs = seeds.filter((r) => r.group === g); return `${rs.filter((r) => (r.final?.valAcc ?? 0) >= 0.9).length}/${rs.length}`; });
    for (const rate of rates) assert.ok(text.includes(rate), `${text} has ${rate}`);
    assert.match(text, /succeeded \(val acc ≥ 0\.9\)/);
    const stuck = seeds.filter((r) => r.stuckAtLn2).length;
    if (stuck) assert.match(text, new RegExp(`${stuck} stuck at ln 2`));
    assert.doesNotMatch(text, /best/);
  });

  it('a stopped sweep names the run that was cut short and its own epoch, not a sum over runs', () => {
    const done = { ...seeds[0] };
    const cut = { ...seeds[1], status: 'cancelled' as const, history: seeds[1].history.slice(0, 40) };
    const text = headline('ring-seeds', [done, cut], 3000, true);
    assert.match(text, /stopped after 3\.0 s — 1 of 2 runs finished; .* at epoch 40 — partial runs saved/);
    const single = headline('long', [{ ...cut }], 3000, true);
    assert.match(single, /^long: stopped after 40 epochs \(of 300\) in 3\.0 s/);
  });
});
