// Training progress on stderr: a redrawn bar on a terminal, plain lines (every 10% of a run) in CI
// logs and pipes, where carriage returns would turn into noise.
import type { FromWorker } from '../protocol';
import { sanitize, sanitizeLine } from './sanitize';

export class Progress {
  private readonly tty: boolean;
  private current?: { name: string; index: number; total: number; epochs: number };
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.tty = out.isTTY === true;
  }

  handle(msg: FromWorker): void {
    switch (msg.type) {
      case 'backend':
        this.line(`backend: ${msg.name}${msg.fallbackFrom ? ` (${msg.fallbackFrom} unavailable)` : ''}`);
        break;
      case 'runStart':
        this.current = { name: sanitizeLine(msg.run.name), index: msg.index + 1, total: msg.total, epochs: 0 };
        this.lastDecile = -1;
        break;
      case 'epoch':
        if (this.current) this.current.epochs = msg.epoch.epoch;
        this.epoch(msg.epoch.epoch, msg.totalEpochs, msg.epoch.trainLoss, msg.epoch.valAcc ?? msg.epoch.trainAcc);
        break;
      case 'runEnd': {
        const r = msg.run;
        const acc = r.final?.valAcc ?? r.final?.trainAcc;
        this.line(`[${this.current?.index ?? '?'}/${this.current?.total ?? '?'}] ${sanitizeLine(r.name)}: ${r.stopReason ?? r.status} after ${this.current?.epochs ?? 0} epochs` +
          (acc !== undefined && acc !== null ? `, ${r.final?.valAcc !== null && r.final?.valAcc !== undefined ? 'val' : 'train'} acc ${(acc * 100).toFixed(1)}%` : ''));
        break;
      }
      case 'error':
        this.line(`error: ${sanitize(msg.message)}`);
        break;
      default:
        break;
    }
  }

  private epoch(epoch: number, total: number, loss: number, acc: number): void {
    const c = this.current;
    const prefix = c ? `[${c.index}/${c.total}] ${c.name}` : '';
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 80 && epoch < total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round((epoch / total) * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.out.write(`\r\x1b[2K${prefix} ${bar} ${epoch}/${total} loss ${loss.toFixed(4)} acc ${(acc * 100).toFixed(1)}%`);
      this.drawn = true;
    } else {
      const decile = Math.floor((epoch / total) * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.out.write(`${prefix} epoch ${epoch}/${total} loss ${loss.toFixed(4)} acc ${(acc * 100).toFixed(1)}%\n`);
    }
  }

  private line(text: string): void {
    this.clear();
    this.out.write(text + '\n');
  }

  clear(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}
