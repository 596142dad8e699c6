// The fake's GET /api/v1/instances (openapi.yaml operationId showInstances): instance rows
// shaped as the operation's item schema, keyset pages of at most 25 (`limit`; values ≤ 0
// read as 5), `after_token` from the previous page's `next_token` (400 invalid_token when
// it is not one of ours), and `select_filters`, a JSON object of column filters with the
// search operators; a computed column (dph_total, num_gpus) in it is a 400, as documented.
import { phaseAt, type FakeResponse, type Host, type Workload } from './shared/index.js';
import { matchesVastQuery } from './vastai-query.js';

export interface FakeInstance {
  id: number;
  host: Host;
  label: string | null;
  image: string;
  env: Array<[string, string]>;
  args: string[];
  runtype: string;
  /** Parsed from createInstance's image_login, for assertions. */
  imageLogin?: { username?: string; password?: string; server?: string };
  workload: Workload;
  startDate: number;
}

const COMPUTED = new Set(['dph_total', 'num_gpus', 'dph_base', 'gpu_ram', 'gpu_totalram']);
const MAX_PAGE = 25;

const bad = (error: string, msg: string): FakeResponse => ({ status: 400, body: { error, msg } });

export const instanceView = (inst: FakeInstance, now: number) => {
  const host = inst.host;
  const p = phaseAt(inst.workload, now);
  // Status words from the CLI reference's actual_status table (the spec gives none).
  const actual =
    p.phase === 'provisioning' ? null : p.phase === 'starting' ? 'loading' : p.phase === 'running' ? 'running' : p.phase === 'exited' ? 'exited' : 'offline';
  const statusMsg =
    p.phase === 'exited'
      ? `Exited (${p.exitCode})`
      : p.phase === 'lost'
        ? 'Host machine disconnected'
        : p.phase === 'running'
          ? `success, running ${inst.image}`
          : 'Pulling image';
  return {
    id: inst.id,
    label: inst.label,
    image_uuid: inst.image,
    image_args: inst.args,
    image_runtype: inst.runtype,
    actual_status: actual,
    intended_status: 'running',
    cur_state: 'running',
    next_state: 'running',
    status_msg: statusMsg,
    extra_env: inst.env.map(([k, v]) => [k, v]),
    gpu_name: host.model,
    num_gpus: host.gpus,
    gpu_ram: host.vramGb * 1024,
    gpu_totalram: host.vramGb * 1024 * host.gpus,
    dph_total: Math.round(host.pricePerGpuHourUsd * host.gpus * 10_000) / 10_000,
    machine_id: host.id,
    host_id: 50_000 + host.id,
    geolocation: `Region, ${host.region}`,
    start_date: inst.startDate / 1000,
  };
};

const token = (id: number): string => Buffer.from(JSON.stringify({ values: { id } })).toString('base64');
const afterId = (raw: string): number | undefined => {
  try {
    const id = (JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { values?: { id?: unknown } }).values?.id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
};

export const listInstances = (all: FakeInstance[], query: URLSearchParams, now: number): FakeResponse => {
  const rawLimit = Number(query.get('limit') ?? MAX_PAGE);
  if (!Number.isInteger(rawLimit)) return bad('invalid_request', 'Error in query parameters: limit must be an integer');
  const limit = rawLimit <= 0 ? 5 : Math.min(rawLimit, MAX_PAGE);
  let filters: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(query.get('select_filters') ?? '{}') as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    filters = parsed as Record<string, unknown>;
  } catch {
    return bad('invalid_request', 'Error in query parameters: select_filters is not a JSON object');
  }
  const computed = Object.keys(filters).find((k) => COMPUTED.has(k));
  if (computed) return bad('invalid_request', `Error in query parameters: ${computed} is not a valid search key`);
  const after = query.get('after_token');
  const from = after === null ? undefined : afterId(after);
  if (after !== null && from === undefined) return bad('invalid_token', 'invalid after_token');
  const rows = all
    .map((i) => instanceView(i, now))
    .filter((row) => matchesVastQuery(row, filters))
    .sort((a, b) => a.id - b.id);
  const rest = from === undefined ? rows : rows.filter((r) => r.id > from);
  const page = rest.slice(0, limit);
  const more = rest.length > page.length;
  const labelCounts: Record<string, number> = {};
  for (const r of rows) labelCounts[r.label ?? ''] = (labelCounts[r.label ?? ''] ?? 0) + 1;
  return {
    status: 200,
    body: {
      success: true,
      instances_found: page.length,
      total_instances: rows.length,
      label_counts: labelCounts,
      next_token: more ? token(page[page.length - 1]!.id) : null,
      instances: page,
    },
  };
};
