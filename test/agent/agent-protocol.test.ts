// The agent script's client side of the run-time routes (secrets, checkpoint restore and
// save, outputs), run for real under sh against a small server that speaks exactly the
// wire protocol of /v1/agent/… and hands out presigned URLs of a real s3rver. (The real
// server side of these routes is tested with it.)
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentCommand } from '../../src/agent/agent-script.js';
import type { LocalS3 } from '../../src/local/s3-local.js';
import { startTestS3 } from '../support/s3.js';
import { toolPath } from './tool-path.js';
import { tempDir } from '../support/temp-dir.js';

// Real processes and HTTP round trips on a shared, loaded machine: generous, never timed assertions.
vi.setConfig({ testTimeout: 120_000 });

const TOKEN = 'sya1.test-token.signature';
let s3: LocalS3;
let server: Server;
let base = '';

interface Seen {
  calls: string[];
  unauthorized: string[];
  logs: Buffer;
  checkpointCommits: { key: string; sizeBytes: number }[];
  outputFiles: { path: string; sizeBytes: number; sha256: string }[];
  outputsCommitted: boolean;
  exit?: { exitCode: number; endedAt: string };
}
let seen: Seen;
let outputsAnswer: 'ok' | 'too-large' = 'ok';
let restoreKey: string | undefined;

const body = async (req: IncomingMessage): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
};

const handle = async (req: IncomingMessage): Promise<{ status: number; json?: unknown }> => {
  const url = new URL(req.url ?? '/', base);
  const route = `${req.method} ${url.pathname}`;
  seen.calls.push(route);
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    seen.unauthorized.push(route);
    return { status: 401 };
  }
  const raw = await body(req);
  switch (route) {
    case 'POST /v1/agent/heartbeat':
      return { status: 200, json: { cancel: false, heartbeatSeconds: 30 } };
    case 'GET /v1/agent/secrets':
      return { status: 200, json: { env: { WANDB_API_KEY: `it's "quoted" $HOME \`x\` \\ done`, MULTI_LINE: 'one\ntwo', 'bad-name': 'ignored' } } };
    case 'GET /v1/agent/checkpoint':
      if (!restoreKey) return { status: 204 };
      return { status: 200, json: { url: await s3.buckets.checkpoints.presignGet(restoreKey, 60), sizeBytes: 1, savedAt: new Date().toISOString() } };
    case 'POST /v1/agent/checkpoint': {
      const { sizeBytes } = JSON.parse(raw.toString()) as { sizeBytes: number };
      const key = `t/j/ckpt-${seen.checkpointCommits.length + 1}-${Date.now()}.tar.gz`;
      return { status: 200, json: { url: await s3.buckets.checkpoints.presignPut(key, 60, sizeBytes), key } };
    }
    case 'POST /v1/agent/checkpoint/commit':
      seen.checkpointCommits.push(JSON.parse(raw.toString()));
      return { status: 204 };
    case 'POST /v1/agent/outputs': {
      const { files } = JSON.parse(raw.toString()) as { files: Seen['outputFiles'] };
      seen.outputFiles = files;
      if (outputsAnswer === 'too-large') return { status: 413, json: { type: 'https://switchyard.dev/problems/outputs-too-large', status: 413 } };
      const uploads = await Promise.all(files.map(async (f) => ({ path: f.path, url: await s3.buckets.outputs.presignPut(`t/j/${f.path}`, 60, f.sizeBytes) })));
      return { status: 200, json: { uploads } };
    }
    case 'POST /v1/agent/outputs/commit':
      seen.outputsCommitted = true;
      return { status: 204 };
    case 'POST /v1/agent/logs': {
      const offset = Number(url.searchParams.get('offset'));
      if (offset !== seen.logs.length) return { status: 409, json: { nextOffset: seen.logs.length } };
      seen.logs = Buffer.concat([seen.logs, raw]);
      return { status: 200, json: { nextOffset: seen.logs.length } };
    }
    case 'POST /v1/agent/exit':
      seen.exit = JSON.parse(raw.toString());
      return { status: 200, json: seen.exit };
  }
  return { status: 404 };
};

beforeAll(async () => {
  s3 = await startTestS3();
  server = createServer((req, res) => {
    handle(req).then(
      ({ status, json }) => {
        res.writeHead(status, json ? { 'content-type': 'application/json' } : {});
        res.end(json ? JSON.stringify(json) : undefined);
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await s3?.stop();
});

const tarOf = (files: Record<string, string>): Buffer => {
  const dir = tempDir('switchyard-ck-src-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return execFileSync('tar', ['czf', '-', '-C', dir, '.']);
};
const untar = (archive: Uint8Array): string => {
  const dir = tempDir('switchyard-ck-out-');
  execFileSync('tar', ['xzf', '-', '-C', dir], { input: archive });
  return dir;
};

const runAgent = (command: string, opts: { path?: string; terminateWhen?: () => boolean } = {}) => {
  const work = tempDir('switchyard-agent-test-');
  const [outputs, checkpoints] = [join(work, 'outputs'), join(work, 'checkpoints')];
  mkdirSync(outputs);
  mkdirSync(checkpoints);
  const [file, ...args] = agentCommand(['sh', '-c', command]);
  const child = spawn(file!, args, {
    env: {
      PATH: opts.path ?? process.env.PATH!,
      SWITCHYARD_AGENT_URL: base,
      SWITCHYARD_AGENT_TOKEN: TOKEN,
      SWITCHYARD_OUTPUTS_DIR: outputs,
      SWITCHYARD_CHECKPOINT_DIR: checkpoints,
      SWITCHYARD_CHECKPOINT_EVERY: '1',
      SWITCHYARD_HEARTBEAT_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = opts.terminateWhen
    ? setInterval(() => {
        if (opts.terminateWhen!()) {
          child.kill('SIGTERM');
          clearInterval(timer);
        }
      }, 100)
    : undefined;
  return new Promise<{ code: number | null; stdout: string; stderr: string; outputs: string; checkpoints: string }>((resolve) =>
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      resolve({ code, stdout, stderr, outputs, checkpoints });
    }),
  );
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

for (const client of ['curl', 'wget', 'python3'] as const) {
  describe(`the agent with ${client}`, () => {
    it('restores the checkpoint, exports secrets, saves checkpoints, uploads outputs, reports the exit', async () => {
      seen = { calls: [], unauthorized: [], logs: Buffer.alloc(0), checkpointCommits: [], outputFiles: [], outputsCommitted: false };
      outputsAnswer = 'ok';
      restoreKey = `t/j/restore-${client}.tar.gz`;
      await s3.buckets.checkpoints.put(restoreKey, tarOf({ 'state.txt': 'step 3' }));
      const run = await runAgent(
        [
          'echo "restored: $(cat "$SWITCHYARD_CHECKPOINT_DIR/state.txt")"',
          'printf "%s" "$WANDB_API_KEY" > "$SWITCHYARD_OUTPUTS_DIR/secret.txt"',
          'printf "%s" "$MULTI_LINE" > "$SWITCHYARD_OUTPUTS_DIR/multi.txt"',
          'echo "step 4" > "$SWITCHYARD_CHECKPOINT_DIR/state.txt"',
          'sleep 3',
          'mkdir -p "$SWITCHYARD_OUTPUTS_DIR/sub dir"; echo model > "$SWITCHYARD_OUTPUTS_DIR/sub dir/model.bin"',
          'exit 0',
        ].join('; '),
        { path: toolPath([client]) },
      );
      expect(run.code).toBe(0);
      expect(seen.unauthorized).toEqual([]);
      expect(seen.logs.toString()).toBe('restored: step 3\n');
      expect(run.stdout).toContain('restored: step 3'); // passed through for the provider's own logs
      // Secrets reached the command exactly, and the agent printed none of them.
      const secret = `it's "quoted" $HOME \`x\` \\ done`;
      expect(readFileSync(join(run.outputs, 'secret.txt'), 'utf8')).toBe(secret);
      expect(readFileSync(join(run.outputs, 'multi.txt'), 'utf8')).toBe('one\ntwo');
      expect(run.stdout + run.stderr + seen.logs.toString()).not.toContain('quoted');
      // Periodic checkpoints: committed, and the archive holds what the command wrote.
      expect(seen.checkpointCommits.length).toBeGreaterThanOrEqual(1);
      const last = seen.checkpointCommits[seen.checkpointCommits.length - 1]!;
      const archive = await s3.buckets.checkpoints.get(last.key);
      expect(archive?.length).toBe(last.sizeBytes);
      expect(readFileSync(join(untar(archive!), 'state.txt'), 'utf8')).toBe('step 4\n');
      // Outputs: declared with size and checksum, uploaded, committed.
      expect([...seen.outputFiles].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: 'multi.txt', sizeBytes: 7, sha256: sha256('one\ntwo') },
        { path: 'secret.txt', sizeBytes: Buffer.byteLength(secret), sha256: sha256(secret) },
        { path: 'sub dir/model.bin', sizeBytes: 6, sha256: sha256('model\n') },
      ]);
      expect(Buffer.from((await s3.buckets.outputs.get('t/j/sub dir/model.bin'))!).toString()).toBe('model\n');
      expect(seen.outputsCommitted).toBe(true);
      expect(seen.exit?.exitCode).toBe(0);
      // Order: outputs are committed before the exit is reported.
      expect(seen.calls.lastIndexOf('POST /v1/agent/outputs/commit')).toBeLessThan(seen.calls.indexOf('POST /v1/agent/exit'));
    });
  });
}

describe('the agent at SIGTERM', () => {
  it('forwards it, saves the checkpoint, reports 143 and exits with it', async () => {
    seen = { calls: [], unauthorized: [], logs: Buffer.alloc(0), checkpointCommits: [], outputFiles: [], outputsCommitted: false };
    restoreKey = undefined;
    const run = await runAgent('echo "at step 7" > "$SWITCHYARD_CHECKPOINT_DIR/state.txt"; echo ready; sleep 100', {
      terminateWhen: () => seen.logs.toString().includes('ready'),
    });
    expect(run.code).toBe(143);
    expect(seen.exit?.exitCode).toBe(143);
    const last = seen.checkpointCommits[seen.checkpointCommits.length - 1]!;
    expect(readFileSync(join(untar((await s3.buckets.checkpoints.get(last.key))!), 'state.txt'), 'utf8')).toBe('at step 7\n');
  });
});

describe('outputs over the cap', () => {
  it('reports the 413, uploads nothing, commits nothing, still reports the exit', async () => {
    seen = { calls: [], unauthorized: [], logs: Buffer.alloc(0), checkpointCommits: [], outputFiles: [], outputsCommitted: false };
    outputsAnswer = 'too-large';
    restoreKey = undefined;
    const run = await runAgent('echo big > "$SWITCHYARD_OUTPUTS_DIR/big.bin"; exit 2');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('outputs are over the size cap');
    expect(seen.outputFiles.map((f) => f.path)).toEqual(['big.bin']);
    expect(seen.outputsCommitted).toBe(false);
    expect(await s3.buckets.outputs.get('t/j/big.bin')).toBeUndefined();
    expect(seen.exit?.exitCode).toBe(2);
  });
});
