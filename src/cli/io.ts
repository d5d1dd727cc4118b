/** Where a command writes. Real processes use process.stdout/stderr; tests can capture. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Terminal width when stdout is a terminal, else undefined (no overall width limit). */
  readonly columns: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

let pipeHandled = false;

/**
 * `logwarden ... | head` closes stdout early: that is the reader's choice, not an error. Exit
 * quietly on EPIPE instead of crashing with an unhandled 'error' event.
 */
function exitOnBrokenPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE')
        process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw e;
    });
  }
}

export function processIO(): CliIO {
  exitOnBrokenPipe();
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
  };
}
