// A PATH holding only the tools the agent script uses plus the HTTP clients a test
// chooses: how an image with curl only, wget only, python3 only, or none of them looks.
import { execFileSync } from 'node:child_process';
import { realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp-dir.js';

const BASE_TOOLS = ['sh', 'awk', 'sed', 'tail', 'head', 'wc', 'tr', 'date', 'mktemp', 'sleep', 'rm', 'mkdir', 'grep', 'ls', 'find', 'tar', 'gzip', 'cut', 'sha256sum', 'cat', 'env', 'touch'];

const which = (tool: string): string | undefined => {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** The real python3 binary (not a pyenv shim, which needs pyenv on the PATH). */
const realPython = (): string | undefined => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

export const available = (client: 'curl' | 'wget' | 'python3'): boolean => (client === 'python3' ? realPython() : which(client)) !== undefined;

export const toolPath = (clients: ('curl' | 'wget' | 'python3')[]): string => {
  const dir = tempDir('switchyard-path-');
  for (const tool of BASE_TOOLS) {
    const found = which(tool);
    if (found) symlinkSync(realpathSync(found), join(dir, tool));
  }
  for (const client of clients) {
    const found = client === 'python3' ? realPython() : which(client);
    if (!found) throw new Error(`${client} is not installed here`);
    symlinkSync(client === 'python3' ? found : realpathSync(found), join(dir, client));
  }
  return dir;
};
