// Seed study: per group of runs that differ only by seed, how many succeeded; per run, its final
// metric, how many hidden units died, whether it is stuck at loss ln 2, and a small chart of its
// alive units over epochs (small multiples: one per run, not 20 lines in one chart).
import type { RunRecord } from '../../src/core/engine/types';
import { h, fmtPct, sizeCanvas } from '../dom';
import { palette, requestRender, runs, ui, view, views, rebuild, type ViewDef } from './kit';
import type { Palette } from '../render/palette';

export const METRIC_LABEL = { trainAcc: 'train acc', valAcc: 'val acc', testAcc: 'test acc' } as const;

/** What counts as success: the experiment file's criterion, with the threshold the user set here. */
export function successCriterion(list: RunRecord[]): { metric: keyof typeof METRIC_LABEL; atLeast: number } {
  const fromFile = list.find((r) => r.success)?.success;
  return { metric: fromFile?.metric ?? 'valAcc', atLeast: ui.successAt ?? fromFile?.atLeast ?? 0.9 };
}

/** Hidden units that fire on no training sample at the end, over all hidden units. */
export function deadUnits(r: RunRecord): { dead: number; total: number } | undefined {
  const last = r.history.at(-1);
  const widths = r.config?.model?.hidden ?? [];
  if (!last || !widths.length || last.alive.length !== widths.length) return undefined;
  const total = widths.reduce((a, b) => a + b, 0);
  return { dead: total - last.alive.reduce((a, b) => a + b, 0), total };
}

/** Alive units of each hidden layer over epochs, as a tiny line chart on a canvas. */
function sparkline(c: HTMLCanvasElement, r: RunRecord, pal: Palette, width: number, height: number): void {
  const ctx = sizeCanvas(c, width, height);
  ctx.clearRect(0, 0, width, height);
  const widths = r.config?.model?.hidden ?? [];
  const max = Math.max(1, ...widths);
  const n = r.history.length;
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  widths.forEach((_, l) => {
    ctx.strokeStyle = r.stuckAtLn2 ? pal.alert : pal.series[l % pal.series.length];
    ctx.lineWidth = 1.5;
    ctx.setLineDash(l ? [3, 2] : []);
    ctx.beginPath();
    r.history.forEach((e, i) => {
      const x = 2 + ((width - 4) * i) / Math.max(1, n - 1);
      const y = height - 2 - ((height - 4) * (e.alive[l] ?? 0)) / max;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

export const seedsView: ViewDef = {
  id: 'seeds',
  label: 'Seed study',
  build() {
    const criterion = successCriterion(runs());
    const thr = h('input', { type: 'number', min: 0, max: 1, step: 0.01, value: criterion.atLeast, 'aria-label': `Success threshold on ${METRIC_LABEL[criterion.metric]}` });
    thr.addEventListener('change', () => { ui.successAt = Number(thr.value); requestRender(); });
    const headline = h('p', { class: 'll-seed-headline', id: 'seed-headline' });
    const groupsBox = h('div', { class: 'll-groups' });
    views.append(h('div', { class: 'll-toolbar' }, h('label', {}, `success: ${METRIC_LABEL[criterion.metric]} ≥ `, thr)), headline, groupsBox,
      h('p', { class: 'll-muted' }, 'Each card: the run\'s final metric, dead hidden units (fire on no training sample) and its alive units over epochs (solid: first hidden layer, dashed: deeper layers).'));
    view.refresh = () => {
      const all = runs().filter((r) => r.kind === 'model');
      const groups = new Map<string, RunRecord[]>();
      for (const r of all) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
      const { metric, atLeast } = successCriterion(all);
      // Without a validation split "val acc" falls back to training accuracy, as the run table does.
      const value = (r: RunRecord) => (metric === 'valAcc' ? r.final?.valAcc ?? r.final?.trainAcc : r.final?.[metric]) ?? 0;
      const ok = (r: RunRecord) => value(r) >= atLeast;
      const label = (g: string, rs: RunRecord[]) => (groups.size === 1 ? 'all seeds' : describeGroup(g, rs, [...groups.values()]));
      headline.replaceChildren(...[...groups].map(([g, rs], i) => {
        const wins = rs.filter(ok).length;
        return h('span', { class: 'll-seed-rate' }, i ? ' · ' : '', h('strong', {}, `${wins}/${rs.length}`), ` succeeded (${label(g, rs)})`);
      }));
      const pal = palette();
      groupsBox.replaceChildren(...[...groups].map(([g, rs]) => {
        const wins = rs.filter(ok).length;
        const stuck = rs.filter((r) => r.stuckAtLn2);
        return h('section', { class: 'll-group', 'aria-label': `Group ${label(g, rs)}` },
          h('h3', {}, `${label(g, rs)}: `, h('span', { class: 'll-rate' }, `${wins}/${rs.length} succeeded (${Math.round((100 * wins) / rs.length)}%)`)),
          h('div', { class: 'll-seed-grid', role: 'list' }, ...rs.map((r) => {
            const dead = deadUnits(r);
            const spark = h('canvas', { class: 'll-spark', role: 'img', 'aria-label': `Alive units of seed ${r.config.seed} over epochs` });
            sparkline(spark, r, pal, 96, 34);
            const cell = h('button', { role: 'listitem', class: `ll-seed ${ok(r) ? 'ok' : 'fail'}${r.stuckAtLn2 ? ' stuck' : ''}`, title: `${r.name}: ${METRIC_LABEL[metric]} ${fmtPct(value(r))}`, 'aria-label': `seed ${r.config.seed}: ${ok(r) ? 'success' : 'failure'}${dead ? `, ${dead.dead} of ${dead.total} units dead` : ''}${r.stuckAtLn2 ? ', stuck at ln 2' : ''}` },
              h('span', { class: 'll-seed-name' }, `seed ${r.config.seed}`), h('small', {}, fmtPct(value(r))),
              dead ? h('small', { class: 'll-dead' }, `${dead.dead}/${dead.total} dead`) : null,
              r.stuckAtLn2 ? h('small', { class: 'll-stuck' }, 'stuck at ln 2') : null, spark);
            cell.addEventListener('click', () => { ui.runId = r.id; ui.tab = 'boundary'; rebuild(); });
            return cell;
          })),
          stuck.length ? h('p', { class: 'll-alert' }, `${stuck.length} run${stuck.length === 1 ? '' : 's'} stuck at loss ln 2 ≈ 0.693 (every unit dead, the output is ½ everywhere): ${stuck.map((r) => `seed ${r.config.seed}`).join(', ')}`) : null);
      }));
    };
  },
};

/** A group's name from what distinguishes it: "hidden [8]" rather than a config hash. */
function describeGroup(group: string, rs: RunRecord[], all: RunRecord[][]): string {
  const name = rs[0]?.name.replace(/[\s,·-]*seed[\s=]*\d+/i, '').trim();
  const others = all.filter((x) => x !== rs).map((x) => x[0]?.name.replace(/[\s,·-]*seed[\s=]*\d+/i, '').trim());
  return name && !others.includes(name) ? name : group;
}
