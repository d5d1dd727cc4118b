/** Where a command writes. Real processes use process.stdout/stderr; tests can capture. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Terminal width when stdout is a terminal, else undefined (no overall width limit). */
  readonly columns: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIO(): CliIO {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
  };
}
