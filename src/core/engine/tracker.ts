// One run's bookkeeping around its epochs, whatever the kernel: the events it emits (and the
// record they build), snapshots in epoch order, divergence, early stopping, cancellation, the end.
import type { RunSpec } from '../experiment/schema';
import { metricOf } from '../nn/metrics';
import { type EpochMetrics, type TrainingSession } from './session';
import type { BoundarySnapshot, EpochRecord, RunRecord, StopReason } from './types';
import type { RunEvent } from '../../protocol';
import type { TrainOptions } from './train';
import { applyRunEvent, headerOf } from '../run/apply';

/**
 * Offloaded snapshots a run may have on their way at most before its next epoch waits. Without a
 * bound, a run recording every epoch trained ahead of the grid thread (a 100×100 snapshot of a
 * 2-16-1 net costs more than its epoch): 2,300–2,600 epochs ahead of its newest boundary, and the
 * run's end waited 0.5–0.6 s after its last epoch for the queue (moons, 3,000 epochs, every 1).
 * Bounded at 16: 17 epochs ahead at most, the end 16–22 ms after the last epoch, the whole run
 * 6% slower (at 4: 13%); a run that records less often never waits.
 */
const MAX_SNAPSHOTS_OWED = 16;

/**
 * One run's bookkeeping around its epochs — history, events, snapshots, divergence, early
 * stopping, cancellation and the end of the run. Its record is built from the events it emits,
 * with the same applyRunEvent as every other reader of the run.
 */
export class RunTracker {
  private best: { value: number; epoch: number } | undefined;
  private stopReason: StopReason = 'completed';
  private epochMs = 0;
  /** Offloaded snapshots, kept in epoch order: each is recorded after the one before it. */
  private snapshotQueue: Promise<void> = Promise.resolve();
  private snapshotError: unknown;
  private lastSnapshotEpoch = -1;
  /** Offloaded snapshots not yet back, and who waits for one to come back. */
  private owed = 0;
  private waiting: (() => void)[] = [];
  private detached = false;
  /** First epoch whose boundary holds a value that is not a number: the outputs overflowed. */
  private nonFiniteAt: number | undefined;
  record: RunRecord;

  constructor(
    private readonly spec: RunSpec,
    private readonly opts: TrainOptions,
    start: RunRecord,
    private readonly session: Pick<TrainingSession, 'snapshot' | 'snapshotLater' | 'keepBest'>,
    private readonly t0 = performance.now(),
  ) {
    this.record = start;
  }

  private emit(event: RunEvent): void {
    this.record = applyRunEvent(this.record, event)!;
    this.opts.onEvent?.(event);
  }

  start(): void {
    this.emit({ type: 'runStart', run: headerOf(this.record) });
  }

  /** True (and the run is marked cancelled) once the run's signal has been aborted. */
  cancelled(): boolean {
    if (!this.opts.signal?.aborted) return false;
    this.stopReason = 'cancelled';
    return true;
  }

  /** Takes the snapshot here, or hands it off; `timings.snapshotMs` is what this thread spent. */
  private takeSnapshot(epoch: number): void {
    const s0 = performance.now();
    this.lastSnapshotEpoch = epoch;
    const later = this.session.snapshotLater?.(epoch);
    if (later) {
      // Its failure is handled in the queue, which may reach it only later.
      this.owed++;
      const back = () => {
        this.owed--;
        for (const wake of this.waiting.splice(0)) wake();
      };
      later.then(back, back);
      this.snapshotQueue = this.snapshotQueue
        .then(() => later)
        .then((snapshot) => this.keepSnapshot(snapshot))
        .catch((err: unknown) => void (this.snapshotError ??= err));
    } else {
      this.keepSnapshot(this.session.snapshot(epoch));
    }
    this.record.timings.snapshotMs += performance.now() - s0;
  }

  private keepSnapshot(snapshot: BoundarySnapshot): void {
    // A run that failed has reported its end: late snapshots are not news.
    if (this.detached) return;
    // Its probabilities come rounded to what the store keeps (0.1%, roundProbability).
    if (this.nonFiniteAt === undefined && !allFinite(snapshot.probs)) this.nonFiniteAt = snapshot.epoch;
    this.emit({ type: 'snapshot', runId: this.record.id, snapshot });
  }

  /** True when the training should wait for its boundaries (keepUpWithSnapshots) before the next epoch. */
  get aheadOfSnapshots(): boolean {
    return this.owed > MAX_SNAPSHOTS_OWED;
  }

  /** Resolves once no more than MAX_SNAPSHOTS_OWED offloaded snapshots are on their way. */
  async keepUpWithSnapshots(): Promise<void> {
    while (this.owed > MAX_SNAPSHOTS_OWED) await new Promise<void>((wake) => this.waiting.push(wake));
  }

  /** Every offloaded snapshot recorded, after complete(): only then is the run over. */
  async snapshotsRecorded(): Promise<void> {
    await this.snapshotQueue;
    if (this.snapshotError) throw this.snapshotError;
    this.markNonFiniteBoundary();
    this.record.timings.totalMs = performance.now() - this.t0;
  }

  /**
   * A model whose outputs overflow to NaN on part of the grid has diverged there, even while its
   * training loss stays finite (Adam at lr 30 on moons): the run says so, from that epoch.
   */
  private markNonFiniteBoundary(): void {
    const at = this.nonFiniteAt;
    if (at === undefined || this.record.stopReason === 'diverged' || this.record.stopReason === 'cancelled') return;
    const lr = this.spec.optimizer.lr;
    this.record.status = this.record.stopReason = 'diverged';
    this.record.divergedAt = at;
    this.record.message = `diverged at epoch ${at} (lr ${lr} may be too high): the model's outputs are not numbers on part of the boundary grid — try optimizer.lr ${lr / 10}`;
  }

  /** The run is over (finished or failed): snapshots still on their way are dropped. */
  detach(): void {
    this.detached = true;
  }

  /** Record an epoch's metrics; 'continue', or why the run stops here. */
  afterEpoch(epoch: number, m: EpochMetrics, ms: number): 'continue' | StopReason {
    const { spec, record } = this;
    // Microseconds are all a timing says; the digits below would cost every stored epoch 14 bytes.
    const e: EpochRecord = { epoch, ...m, ms: Math.round(ms * 1000) / 1000 };
    this.epochMs += ms;
    // A loss that is not a number is recorded as it is: the curve shows where it broke.
    this.emit({ type: 'epoch', runId: record.id, epoch: e });
    if (!Number.isFinite(m.trainLoss) || (m.valLoss !== null && !Number.isFinite(m.valLoss))) {
      const lr = spec.optimizer.lr;
      this.record.message = `diverged at epoch ${epoch} (lr ${lr} may be too high): the loss became ${m.trainLoss} — try optimizer.lr ${lr / 10}`;
      this.record.divergedAt = epoch;
      return (this.stopReason = 'diverged');
    }
    if (epoch % spec.record.every === 0) this.takeSnapshot(epoch);

    const stopping = spec.training.earlyStopping;
    if (stopping) {
      const metric = metricOf(stopping.monitor);
      const value = metric.of(m);
      const higherIsBetter = metric.higherIsBetter;
      const best = this.best;
      const improved = !best || (higherIsBetter ? value > best.value + stopping.minDelta : value < best.value - stopping.minDelta);
      if (improved) {
        this.best = { value, epoch };
        if (stopping.restoreBest) this.session.keepBest();
      } else if (epoch - best!.epoch >= stopping.patience) {
        return (this.stopReason = 'early-stopped');
      }
    }
    return 'continue';
  }

  /** Final snapshot, best weights back, final report: the finished record. */
  complete(end: Pick<TrainingSession, 'restoreBest' | 'finish'>): RunRecord {
    const { record, stopReason, best } = this;
    const lastEpoch = record.history.at(-1)?.epoch ?? 0;
    if (stopReason !== 'diverged' && this.lastSnapshotEpoch !== lastEpoch) this.takeSnapshot(lastEpoch);
    if (best) {
      record.bestEpoch = best.epoch;
      // Restored whenever the run had a better epoch than its last one, stopped early or not.
      if (this.spec.training.earlyStopping?.restoreBest && best.epoch !== lastEpoch) end.restoreBest();
    }
    // A diverged model's weights are NaN: its history and message are the result.
    if (stopReason !== 'diverged') end.finish(record);
    record.status = stopReason;
    record.stopReason = stopReason;
    record.timings.totalMs = performance.now() - this.t0;
    record.timings.msPerEpoch = record.history.length ? this.epochMs / record.history.length : 0;
    return record;
  }
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
