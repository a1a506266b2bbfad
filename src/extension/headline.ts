// The words a user reads when training ends: one headline, and for a diverged run, why and what to try.
// Times are the wall time the user waited (from Train to the end), not the engine's training time.
import type { RunRecord } from '../core/engine/types';
import { LOSSES, type Loss, type LossDef } from '../core/nn/losses';
import { accuracyOf, accuracyText, seconds } from '../core/run/history';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a seed study counts as success: the experiment file's criterion, else val acc ≥ 0.9 (the panel's default). */
function succeeded(r: RunRecord): boolean {
  const { metric, atLeast } = r.success ?? { metric: 'valAcc' as const, atLeast: 0.9 };
  const f = r.final;
  const v = metric === 'valAcc' ? f?.valAcc ?? f?.trainAcc : metric === 'testAcc' ? f?.testAcc : f?.trainAcc;
  return typeof v === 'number' && v >= atLeast;
}

const METRIC = { trainAcc: 'train acc', valAcc: 'val acc', testAcc: 'test acc' } as const;

export function headline(name: string, runs: RunRecord[], wallMs: number, cancelled: boolean): string {
  const models = runs.filter((r) => r.kind === 'model');
  const baselines = runs.filter((r) => r.kind === 'baseline');
  const pool = models.length ? models : runs;
  const waited = seconds(wallMs);
  if (pool.length === 0) return `${name}: no run recorded anything`;
  if (cancelled) {
    const total = (r: RunRecord) => r.config?.training?.epochs;
    const at = (r: RunRecord) => `${r.history.length} epoch${r.history.length === 1 ? '' : 's'}${total(r) ? ` (of ${total(r)})` : ''}`;
    if (pool.length === 1) return `${name}: stopped after ${at(pool[0])} in ${waited} — partial run saved`;
    const done = pool.filter((r) => r.status !== 'cancelled' && r.status !== 'running');
    const partial = pool.filter((r) => r.status === 'cancelled' && r.history.length > 0);
    return `${name}: stopped after ${waited} — ${done.length} of ${plural(pool.length, 'run')} finished`
      + (partial.length ? `; ${partial.map((r) => `${r.name} at epoch ${r.history.length}`).join(', ')}` : '') + ' — partial runs saved';
  }
  const best = pool.reduce((a, b) => (accuracyOf(b) > accuracyOf(a) ? b : a));
  const baseline = models.length && baselines.length ? ` (logistic baseline ${accuracyText(baselines[0]).replace(/^\w+ acc /, '')})` : '';
  if (pool.length === 1) return `${name}: ${accuracyText(best)} in ${waited}${baseline}`;
  // A seed study (runs that differ only by seed share a group): the success rate is the result.
  const groups = new Map<string, RunRecord[]>();
  for (const r of pool) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  if ([...groups.values()].some((g) => g.length > 1)) {
    const crit = pool.find((r) => r.success)?.success ?? { metric: 'valAcc' as const, atLeast: 0.9 };
    const rates = [...groups.values()].map((g) => `${g.filter(succeeded).length}/${g.length}${groups.size > 1 ? ` ${g[0].name.replace(/[\s,·-]*seed[\s=]*\d+/i, '').trim()}` : ''}`);
    const stuck = pool.filter((r) => r.stuckAtLn2).length;
    return `${name}: ${rates.join(', ')} succeeded (${METRIC[crit.metric]} ≥ ${crit.atLeast})${stuck ? `, ${stuck} stuck at ln 2` : ''} in ${waited}`;
  }
  return `${name}: ${pool.length} runs, best ${accuracyText(best)} (${best.name}) in ${waited}${baseline}`;
}

/** Why a run diverged and what to try, from its recorded config. */
export function divergenceAdvice(run: RunRecord): string {
  const why = run.message ?? `diverged at epoch ${run.history.length + 1}: the loss became NaN or infinite`;
  const tips: string[] = [];
  const lr = run.config?.optimizer?.lr;
  if (typeof lr === 'number' && !why.includes('optimizer.lr')) tips.push(`lower optimizer.lr (now ${lr}; try ${+(lr / 10).toPrecision(2)})`);
  // A run read from disk may name a loss this version does not know.
  const loss: string | undefined = run.config?.loss;
  const advice = loss !== undefined && Object.hasOwn(LOSSES, loss) ? (LOSSES[loss as Loss] as LossDef).advice : undefined;
  if (advice) tips.push(advice);
  if (run.config?.optimizer?.kind === 'sgd' && (run.config.optimizer.momentum ?? 0) >= 0.9) tips.push('reduce optimizer.momentum');
  if (run.config?.data?.kind === 'csv') tips.push('check that the CSV features are on similar scales');
  return `${run.name} ${why}${tips.length ? `. Also try: ${tips.join('; ')}.` : ''}`;
}
