import type { DetectorId } from '@tidemark/core';
import type { FitProgress } from '@tidemark/core/engine';

export interface Progress {
  /** A line of its own (start, done). */
  line(text: string): void;
  /** One epoch of a fit: redrawn in place on a terminal, a plain line otherwise. */
  epoch(progress: FitProgress & { detector: DetectorId }): void;
}

/**
 * Progress on standard error. On a terminal the epoch line is redrawn in place (carriage return);
 * piped or logged, every epoch is a plain line, so the log has no control characters.
 */
export function stderrProgress(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (quiet) return { line: () => {}, epoch: () => {} };
  let redrawing = false;
  const endRedraw = () => {
    if (redrawing) stream.write('\n');
    redrawing = false;
  };
  return {
    line(text) {
      endRedraw();
      stream.write(`${text}\n`);
    },
    epoch(p) {
      const text = `  ${p.detector}: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}, ~${Math.ceil(p.etaMs / 1000)} s left`;
      if (!stream.isTTY) {
        stream.write(`${text}\n`);
        return;
      }
      stream.write(`\r${text}\x1b[K`);
      redrawing = true;
    },
  };
}
