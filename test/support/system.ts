import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { startSystem, type RunningSystem, type SystemOptions } from '../../src/local/system.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A whole system on the shared DynamoDB Local, in a table of its own. */
export const startTestSystem = (options: SystemOptions = {}): Promise<RunningSystem> =>
  startSystem({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `t_${randomBytes(6).toString('hex')}`,
    reconcileIntervalMs: 100,
    queue: { pollIntervalMs: 10, visibilityTimeoutMs: 1000 },
    ...options,
  });

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export const api = async <T = any>(
  system: Pick<RunningSystem, 'url' | 'apiKey'>,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null } = {},
): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? system.apiKey : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${system.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
};

export const waitFor = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50 } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

export const localJob = (command: string[], extra: Record<string, unknown> = {}) => ({
  image: 'ignored-locally',
  command,
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 60,
  maxPricePerGpuHourUsd: 3,
  placement: { strategy: 'cheapest', networks: ['local'], fallback: 'none' },
  ...extra,
});

/** Every item of the system's table (a whole scan): for "this value is stored nowhere" checks. */
export const scanTable = async (system: Pick<RunningSystem, 'db' | 'tableName'>): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await system.db.send(new ScanCommand({ TableName: system.tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};
