// The words a user reads when training ends: one headline, and for a diverged run, why and what to try.
import type { RunRecord } from '../core/engine/types';
import { accuracyOf, accuracyText, seconds } from '../core/run/history';

export function headline(name: string, runs: RunRecord[], wallMs: number, cancelled: boolean): string {
  const models = runs.filter((r) => r.kind === 'model');
  const baselines = runs.filter((r) => r.kind === 'baseline');
  const pool = models.length ? models : runs;
  if (pool.length === 0) return `${name}: no run recorded anything`;
  if (cancelled) {
    const epochs = pool.reduce((n, r) => n + r.history.length, 0);
    return `${name}: stopped after ${epochs} epoch${epochs === 1 ? '' : 's'} — partial run${pool.length > 1 ? 's' : ''} saved`;
  }
  const best = pool.reduce((a, b) => (accuracyOf(b) > accuracyOf(a) ? b : a));
  const baseline = models.length && baselines.length ? ` (logistic baseline ${accuracyText(baselines[0]).replace(/^\w+ acc /, '')})` : '';
  if (pool.length === 1) return `${name}: ${accuracyText(best)} in ${seconds(best.timings?.totalMs || wallMs)}${baseline}`;
  return `${name}: ${pool.length} runs, best ${accuracyText(best)} (${best.name}) in ${seconds(wallMs)}${baseline}`;
}

/** Why a run diverged and what to try, from its recorded config. */
export function divergenceAdvice(run: RunRecord): string {
  const why = run.message ?? `diverged at epoch ${run.history.length + 1}: the loss became NaN or infinite`;
  const tips: string[] = [];
  const lr = run.config?.optimizer?.lr;
  if (typeof lr === 'number' && !why.includes('optimizer.lr')) tips.push(`lower optimizer.lr (now ${lr}; try ${+(lr / 10).toPrecision(2)})`);
  if (run.config?.loss === 'bce' || run.config?.loss === 'mse') tips.push('use "loss": "bce-with-logits", which stays stable for large logits');
  if (run.config?.optimizer?.kind === 'sgd' && (run.config.optimizer.momentum ?? 0) >= 0.9) tips.push('reduce optimizer.momentum');
  if (run.config?.data?.kind === 'csv') tips.push('check that the CSV features are on similar scales');
  return `${run.name} ${why}${tips.length ? `. Also try: ${tips.join('; ')}.` : ''}`;
}
