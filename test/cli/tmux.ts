// A real terminal for the CLI: a detached tmux session on a socket of its own, read back
// with capture-pane. Only the server this helper started is ever killed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TmuxSession {
  /** The screen as it is now (trailing blank lines dropped). */
  capture(): string;
  /** Waits until the screen matches, giving up after the timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

export const startTmux = (command: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; width?: number; height?: number }): TmuxSession => {
  const socket = `switchyard-test-${randomBytes(4).toString('hex')}`;
  const envPrefix = Object.entries(opts.env).map(([k, v]) => `${k}=${shellQuote(v ?? '')}`).join(' ');
  // After the command, print its exit status and keep the pane open for capture-pane.
  const script = `cd ${shellQuote(opts.cwd)} && env -i ${envPrefix} ${command.map(shellQuote).join(' ')}; echo "EXIT=$?"; sleep 600`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'cli', '-x', String(opts.width ?? 160), '-y', String(opts.height ?? 50), script);
  const capture = () => tmux('capture-pane', '-p', '-t', 'cli').replace(/\n+$/, '');
  return {
    capture,
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (pattern.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${screen}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
};
