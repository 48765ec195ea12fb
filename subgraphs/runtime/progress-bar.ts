/**
 * A small progress bar for long imports, on stderr so stdout stays the summary. On a terminal:
 * one line redrawn in place with \r. Elsewhere (CI, a log file): a plain line at every 10%.
 */
export interface Progress {
  /** How much of the total is done (bytes read, rows written, ...). */
  update(done: number): void;
  /** Ends the line: at 100% when the work completed, where it stood when it failed. */
  finish(completed?: boolean): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 30;

export const silentProgress: Progress = { update: () => undefined, finish: () => undefined };

export function createProgressBar(options: { label: string; total: number; stream?: ProgressStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const total = Math.max(options.total, 1);
  let shown = -1;
  let finished = false;

  const percentOf = (done: number) => Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
  const draw = (percent: number) => {
    if (stream.isTTY) {
      const filled = Math.round((percent / 100) * WIDTH);
      stream.write(`\r${options.label} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}%`);
    } else {
      stream.write(`${options.label}: ${percent}%\n`);
    }
  };

  return {
    update(done) {
      if (finished) return;
      const percent = percentOf(done);
      // A terminal redraws on every whole percent; a log gets a line each 10%.
      const step = stream.isTTY ? percent : percent - (percent % 10);
      if (step <= shown) return;
      shown = step;
      draw(step);
    },
    finish(completed = true) {
      if (finished) return;
      if (completed && shown < 100) draw(100);
      if (stream.isTTY) stream.write('\n');
      finished = true;
    },
  };
}
