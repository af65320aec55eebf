/**
 * The rebuild's progress on standard error: a bar redrawn in place on a terminal, a line every
 * few seconds otherwise (logs, CI), with the rate and the time left.
 */

export interface ProgressBar {
  update(applied: number, total: number): void;
  done(): void;
}

export function rebuildProgressBar(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressBar {
  const started = now();
  let first: number | undefined;
  let lastDrawn = 0;
  let lastLine = '';
  const width = 30;
  const format = (applied: number, total: number) => {
    first ??= applied;
    const share = total <= 0 ? 1 : Math.min(1, applied / total);
    const filled = Math.round(share * width);
    const seconds = Math.max(0.001, (now() - started) / 1_000);
    const rate = (applied - first) / seconds;
    const left = rate > 0 ? Math.ceil((total - applied) / rate) : undefined;
    const eta =
      left === undefined
        ? ''
        : `, ${left >= 60 ? `${Math.floor(left / 60)} min ${left % 60} s` : `${left} s`} left`;
    return (
      `[tthc] rebuilding indicators [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${(share * 100).toFixed(1).padStart(5)} %  ${applied.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events, ` +
      `${Math.round(rate).toLocaleString('en-US')} events/s${eta}`
    );
  };
  return {
    update(applied, total) {
      lastLine = format(applied, total);
      if (stream.isTTY) {
        if (now() - lastDrawn < 100) return;
        lastDrawn = now();
        stream.write(`\r${lastLine}\u001b[K`);
      } else if (now() - lastDrawn >= 5_000) {
        lastDrawn = now();
        stream.write(`${lastLine}\n`);
      }
    },
    done() {
      if (lastLine) stream.write(stream.isTTY ? `\r${lastLine}\u001b[K\n` : `${lastLine}\n`);
    },
  };
}
