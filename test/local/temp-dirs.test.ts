// A system started without a data dir keeps its secrets key in a private temp folder for that
// run only: stop() removes it (tests start hundreds of systems; none may leave a folder behind).
// With a data dir (or a key dir of its own) the key is kept: secrets stay readable after a restart.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestSystem } from '../support/system.js';

describe('temporary folders of a local system', () => {
  it('removes the run-only secrets key folder at stop', async () => {
    const system = await startTestSystem({ loops: false });
    const keyDir = dirname(system.secretsKeyPath);
    expect(keyDir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(system.secretsKeyPath)).toBe(true);
    await system.stop();
    expect(existsSync(keyDir)).toBe(false);
  });

  it('keeps a key folder it was given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-keep-'));
    try {
      const system = await startTestSystem({ loops: false, secretsKeyDir: dir });
      expect(dirname(system.secretsKeyPath)).toBe(dir);
      await system.stop();
      expect(existsSync(join(dir, 'secrets.key'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
