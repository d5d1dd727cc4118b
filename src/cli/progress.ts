/**
 * A one-line progress report on stderr for long work (only when stderr is a terminal, so
 * logs and pipes stay clean): bar, percent, counts and rate, redrawn at most 5 times a second.
 */
export interface Progress {
  update(done: number, lines: number): void;
  finish(): void;
}

export function createProgress(
  label: string,
  total: number | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (done: number, lines: number): void => {
    const secs = Math.max((Date.now() - start) / 1000, 0.001);
    const rate = Math.round(lines / secs);
    const width = 24;
    let bar = '';
    let pct = '';
    if (total !== undefined && total > 0) {
      const f = Math.min(done / total, 1);
      const full = Math.round(f * width);
      bar = `[${'#'.repeat(full)}${'.'.repeat(width - full)}] `;
      pct = `${(f * 100).toFixed(0).padStart(3)}% `;
    }
    stream.write(
      `\r${label} ${bar}${pct}${lines.toLocaleString('en-US')} lines  ${rate.toLocaleString('en-US')} lines/s\u001b[K`,
    );
    drawn = true;
  };
  return {
    update(done, lines) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      draw(done, lines);
    },
    finish() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
