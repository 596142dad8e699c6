// How the CLI prints: tables and lines for people, JSON for scripts (--json), and a
// spinner only when stdout is a terminal (never in pipes, files or --json).
import type { Writable } from 'node:stream';

export interface Output {
  json: boolean;
  tty: boolean;
  /** A line for people (skipped under --json). */
  line(text: string): void;
  /** Raw text (log output), passed through as is. */
  text(text: string): void;
  /** A JSON value, one per line. */
  value(value: unknown): void;
  /** Shows, updates or (with undefined) clears the spinner. */
  spin(status: string | undefined): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export const createOutput = (opts: { json: boolean; stdout?: Writable & { isTTY?: boolean } }): Output => {
  const stdout = opts.stdout ?? process.stdout;
  const tty = Boolean(stdout.isTTY) && !opts.json;
  let status: string | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const clear = () => {
    if (shown) stdout.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (!status) return;
    stdout.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${status}`);
    shown = true;
  };
  const around = (write: () => void) => {
    clear();
    write();
    draw();
  };
  return {
    json: opts.json,
    tty,
    line: (text) => {
      if (!opts.json) around(() => stdout.write(`${text}\n`));
    },
    text: (text) => {
      if (opts.json) return;
      around(() => stdout.write(text.endsWith('\n') || !tty ? text : `${text}\n`));
    },
    value: (value) => stdout.write(`${JSON.stringify(value)}\n`),
    spin: (next) => {
      if (!tty) return;
      status = next;
      if (!next) {
        clearInterval(timer);
        timer = undefined;
        clear();
        return;
      }
      timer ??= setInterval(draw, 100).unref();
      draw();
    },
  };
};

/** Integer micro-dollars as dollars, e.g. 1234567 → $1.2346. */
export const usd = (micro: number | undefined): string => (micro === undefined ? '-' : `$${(micro / 1_000_000).toFixed(4)}`);

/** A price per GPU-hour: an attempt's or quote's own, or a listing's lowest. All amounts are µUSD. */
export const pricePerGpuHour = (o: object): string => {
  const r = o as Record<string, unknown>;
  if (typeof r.pricePerGpuHourMicroUsd === 'number') return `${usd(r.pricePerGpuHourMicroUsd)}/GPU-h`;
  if (typeof r.minPricePerGpuHourMicroUsd === 'number') return `${usd(r.minPricePerGpuHourMicroUsd)}/GPU-h`;
  return '-';
};

export const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
};
