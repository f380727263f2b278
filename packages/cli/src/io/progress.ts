import type { CliIo } from './cli-io.js';

/** Reports transfer progress. */
export interface Progress {
  /** `n` more bytes done. */
  add(n: number): void;
  /** Back to zero (a retried upload starts over). */
  restart(): void;
  /** Clears the bar. */
  done(): void;
}

const NONE: Progress = { add() {}, restart() {}, done() {} };

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * A progress bar on stderr, drawn only when stderr is a TTY (and not with `--json`), redrawn at
 * most every 100 ms. `total` undefined: bytes so far without a bar.
 */
export function progressBar(io: CliIo, label: string, total: number | undefined, enabled: boolean): Progress {
  if (!enabled || io.stderr.isTTY !== true) return NONE;
  let done = 0;
  let last = 0;
  const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - label.length - 30));
  const draw = () => {
    if (total && total > 0) {
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      io.stderr.write(
        `\r${label} [${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${mib(done)}/${mib(total)}`,
      );
    } else {
      io.stderr.write(`\r${label} ${mib(done)}`);
    }
  };
  draw();
  return {
    add(n) {
      done += n;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
    },
    restart() {
      done = 0;
    },
    done() {
      draw();
      io.stderr.write('\n');
    },
  };
}

/** Passes chunks through, counting them into `progress`. */
export async function* counted<T extends Uint8Array>(
  source: AsyncIterable<T>,
  progress: Progress,
): AsyncGenerator<T> {
  for await (const chunk of source) {
    progress.add(chunk.length);
    yield chunk;
  }
}
