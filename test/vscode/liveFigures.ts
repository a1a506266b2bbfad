// The live panel's figures, computed from the timeline the webview keeps (webview/views/kit.ts
// liveTrace): when each snapshot reached the extension host, when each batch was posted and received,
// and when each new boundary was painted. All times are Date.now() of one machine, so host and
// webview stamps compare directly. Used by the code-server UI test and bench/editor-live.ts.

export interface LiveTraceData {
  batches: [postedAt: number, receivedAt: number, queuedAt: number, bytes: number][];
  marks: [what: string, at: number][];
  arrived: [runId: string, epoch: number, at: number][];
  painted: [runId: string, epoch: number, at: number][];
}

export interface LiveFigures {
  runId: string;
  /** Snapshots of the run that reached the host, and their rate while it trained. */
  produced: number;
  producedPerSecond: number;
  /** Distinct boundaries of the run painted while it trained, and their rate. */
  painted: number;
  framesPerSecond: number;
  /** Gaps between successive new boundaries on screen (ms). */
  gapMedianMs: number;
  gapP95Ms: number;
  gapMaxMs: number;
  /**
   * At each paint, how many snapshots newer than the one painted had already reached the host:
   * what the picture lags behind the training, in snapshots.
   */
  behindMedian: number;
  behindMax: number;
  /** Snapshot reached the host → painted (ms), over the painted ones. */
  latencyMedianMs: number;
  latencyMaxMs: number;
  /** Host posted a batch → the webview received it (ms). */
  transitMedianMs: number;
  transitMaxMs: number;
  /** Batches the webview received per second while the run's snapshots arrived (the relay's pace). */
  batchesPerSecond: number;
  /** How long the host held a batch before posting it (its frame pacing), and the largest batch. */
  holdMedianMs: number;
  holdMaxMs: number;
  batchMaxBytes: number;
  /** The run's last epoch reached the host → the finished experiment painted (ms). */
  lastEpochToFinalMs: number;
  /** experimentEnd reached the host → posted by it → received by the webview → painted (ms). */
  endHostMs: number;
  /** The last epoch reached the host → the run's end, the experiment's end reached it (ms). */
  endRunEndMs: number;
  endExperimentEndMs: number;
  endTransitMs: number;
  /** The run's end with its neuron maps, sent after the experiment's end (panel.ts). */
  mapsTransitMs: number;
  endPaintMs: number;
  /** Extension-host stalls and long GCs from the last epoch to the final paint ('hostBlocked:ms', 'hostGC:ms'). */
  endHostStalls: string[];
}

const quantile = (xs: number[], q: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Figures for the run painted most often (the one the panel followed), or undefined if none was. */
export function liveFigures(trace: LiveTraceData): LiveFigures | undefined {
  const counts = new Map<string, number>();
  for (const [id] of trace.painted) counts.set(id, (counts.get(id) ?? 0) + 1);
  const runId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (runId === undefined) return undefined;
  const arrived = trace.arrived.filter((a) => a[0] === runId).sort((a, b) => a[2] - b[2]);
  const painted = trace.painted.filter((p) => p[0] === runId).sort((a, b) => a[2] - b[2]);
  const arrivedAt = new Map(arrived.map((a) => [a[1], a[2]] as const));
  const span = (xs: number[]) => (xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / 1000 : NaN);
  const gaps = painted.slice(1).map((p, i) => p[2] - painted[i][2]);
  const behind = painted.map(([, epoch, at]) => arrived.filter((a) => a[1] > epoch && a[2] <= at).length);
  const latency = painted.flatMap(([, epoch, at]) => (arrivedAt.has(epoch) ? [at - arrivedAt.get(epoch)!] : []));
  const transit = trace.batches.map(([posted, received]) => received - posted);
  const hold = trace.batches.map(([posted, , queued]) => posted - queued);
  const mark = (what: string) => trace.marks.find((m) => m[0] === what)?.[1] ?? NaN;
  const finalAt = mark('finalPainted');
  const lastEpochs = trace.marks.filter((m) => m[0].startsWith('lastEpoch:')).map((m) => m[1]);
  return {
    runId,
    produced: arrived.length,
    producedPerSecond: (arrived.length - 1) / span(arrived.map((a) => a[2])),
    painted: painted.length,
    framesPerSecond: (painted.length - 1) / span(painted.map((p) => p[2])),
    gapMedianMs: quantile(gaps, 0.5),
    gapP95Ms: quantile(gaps, 0.95),
    gapMaxMs: Math.max(...gaps),
    behindMedian: quantile(behind, 0.5),
    behindMax: Math.max(...behind),
    latencyMedianMs: quantile(latency, 0.5),
    latencyMaxMs: Math.max(...latency),
    transitMedianMs: quantile(transit, 0.5),
    transitMaxMs: Math.max(...transit),
    batchesPerSecond: (() => {
      const [from, to] = [arrived[0]?.[2] ?? NaN, arrived[arrived.length - 1]?.[2] ?? NaN];
      const inside = trace.batches.filter((b) => b[1] >= from && b[1] <= to).length;
      return inside / ((to - from) / 1000);
    })(),
    holdMedianMs: quantile(hold, 0.5),
    holdMaxMs: Math.max(...hold),
    batchMaxBytes: Math.max(...trace.batches.map((b) => b[3])),
    lastEpochToFinalMs: lastEpochs.length ? finalAt - Math.max(...lastEpochs) : NaN,
    endHostMs: mark('hostPosted:experimentEnd') - mark('experimentEnd'),
    endRunEndMs: mark(`runEnd:${runId}`) - Math.max(...lastEpochs),
    endExperimentEndMs: mark('experimentEnd') - Math.max(...lastEpochs),
    endTransitMs: mark('webviewReceived:experimentEnd') - mark('hostPosted:experimentEnd'),
    mapsTransitMs: mark('webviewReceived:runEndPacked') - mark('hostPosted:runEndPacked'),
    endPaintMs: finalAt - mark('webviewReceived:experimentEnd'),
    endHostStalls: trace.marks
      .filter((m) => /^host(Blocked|GC):/.test(m[0]) && m[1] >= Math.max(...lastEpochs) - 100 && m[1] <= finalAt)
      .map((m) => `${m[0].replace(':', ' ')} ms at +${m[1] - Math.max(...lastEpochs)} ms`),
  };
}

export function formatLiveFigures(f: LiveFigures): string {
  const n = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  return [
    `live ${f.runId}: ${f.produced} snapshots reached the host (${n(f.producedPerSecond)}/s), ${f.painted} distinct boundaries painted = ${n(f.framesPerSecond)} frames/s`,
    `  gaps between new boundaries: median ${n(f.gapMedianMs, 0)} ms, p95 ${n(f.gapP95Ms, 0)} ms, max ${n(f.gapMaxMs, 0)} ms`,
    `  behind the newest snapshot at the host when painted: median ${f.behindMedian}, max ${f.behindMax} snapshots`,
    `  snapshot at host → painted: median ${n(f.latencyMedianMs, 0)} ms, max ${n(f.latencyMaxMs, 0)} ms; batch host → webview: median ${n(f.transitMedianMs, 0)} ms, max ${n(f.transitMaxMs, 0)} ms, ${n(f.batchesPerSecond)} batches/s`,
    `  host held batches median ${n(f.holdMedianMs, 0)} ms, max ${n(f.holdMaxMs, 0)} ms; largest batch ${(f.batchMaxBytes / 1024).toFixed(0)} KiB of snapshots`,
    `  end: last epoch at host → final state painted ${n(f.lastEpochToFinalMs, 0)} ms (runEnd at host +${n(f.endRunEndMs, 0)} ms, experimentEnd +${n(f.endExperimentEndMs, 0)} ms; experimentEnd at host → posted ${n(f.endHostMs, 0)} ms → webview ${n(f.endTransitMs, 0)} ms → painted ${n(f.endPaintMs, 0)} ms; the neuron maps, after it: ${n(f.mapsTransitMs, 0)} ms in transit)`,
    ...(f.endHostStalls.length ? [`  extension host near the end: ${f.endHostStalls.join(', ')}`] : []),
  ].join('\n');
}
