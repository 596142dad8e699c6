// What the fake Dispersed API accepts: the POST /v1/jobs fields and the list queries of
// FACTS.md's Endpoints table, nothing else. Whether the real API refuses unknown fields is
// not documented; the fake does (400), so an adapter that invents a field (a `command`, say)
// is caught here as well as by the contract suite.
const JOB_FIELDS = new Set([
  'task', 'title', 'description', 'cpu_count', 'gpu_count', 'gpu_name', 'gpu_registry_uuid', 'min_ram_gb', 'min_storage_gb',
  'min_vram_gb', 'max_node_count', 'max_retry_count', 'max_timeout_assign_ms', 'max_timeout_start_ms', 'max_timeout_run_ms',
  'allowed_region_codes', 'parameters',
]);
const DOCKER_FIELDS = new Set(['image', 'tag', 'env', 'ports', 'volumes', 'sshkey', 'allowed_ips', 'user', 'secret', 'host', 'imagesrc']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isNum = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isFinite(v) && v >= min;
const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Why a POST /v1/jobs body is refused, or undefined. */
export const invalidJobBody = (b: Record<string, unknown>): string | undefined => {
  const unknown = Object.keys(b).filter((k) => !JOB_FIELDS.has(k));
  if (unknown.length > 0) return `unknown fields: ${unknown.join(', ')}`;
  if (b.task !== 'BATCH' && b.task !== 'PERSISTENT') return 'task must be BATCH or PERSISTENT';
  if (typeof b.title !== 'string' || b.title === '') return 'title is required';
  if (b.description !== undefined && typeof b.description !== 'string') return 'description must be a string';
  for (const k of ['cpu_count', 'gpu_count']) if (!isInt(b[k], 0)) return `${k} must be an integer >= 0`;
  for (const k of ['min_ram_gb', 'min_storage_gb', 'min_vram_gb']) if (!isNum(b[k], 0)) return `${k} must be >= 0`;
  if (b.gpu_name !== undefined && b.gpu_registry_uuid !== undefined) return 'gpu_name and gpu_registry_uuid are mutually exclusive';
  if (b.gpu_name !== undefined && typeof b.gpu_name !== 'string') return 'gpu_name must be a string';
  if (b.gpu_registry_uuid !== undefined && !(typeof b.gpu_registry_uuid === 'string' && UUID.test(b.gpu_registry_uuid))) {
    return 'gpu_registry_uuid must be a uuid';
  }
  if (b.max_node_count !== undefined && !isInt(b.max_node_count, 1)) return 'max_node_count must be an integer >= 1';
  if (b.max_retry_count !== undefined && !isInt(b.max_retry_count, 0)) return 'max_retry_count must be an integer >= 0';
  if (b.max_timeout_assign_ms !== undefined && !isInt(b.max_timeout_assign_ms, 300_000)) return 'max_timeout_assign_ms must be >= 300000';
  if (b.max_timeout_start_ms !== undefined && !isInt(b.max_timeout_start_ms, 120_000)) return 'max_timeout_start_ms must be >= 120000';
  if (b.task === 'BATCH' && !isInt(b.max_timeout_run_ms, 60_000)) return 'max_timeout_run_ms (>= 60000) is required for BATCH';
  if (b.task === 'PERSISTENT' && b.max_timeout_run_ms !== null && b.max_timeout_run_ms !== undefined) return 'max_timeout_run_ms must be null for PERSISTENT';
  if (b.allowed_region_codes !== undefined && !strings(b.allowed_region_codes)) return 'allowed_region_codes must be a list of strings';
  const p = b.parameters as Record<string, unknown> | undefined;
  if (!p || p.type !== 'docker' || !p.parameters || typeof p.parameters !== 'object') return 'parameters must be {type: "docker", parameters: {...}}';
  const d = p.parameters as Record<string, unknown>;
  const unknownDocker = Object.keys(d).filter((k) => !DOCKER_FIELDS.has(k));
  if (unknownDocker.length > 0) return `unknown docker parameters: ${unknownDocker.join(', ')}`;
  if (typeof d.image !== 'string' || d.image === '' || typeof d.tag !== 'string') return 'parameters.parameters.image and tag are required';
  if (d.env !== undefined && (typeof d.env !== 'object' || d.env === null || Array.isArray(d.env))) return 'env must be an object';
  // host / user / secret: private-registry credentials (FACTS.md POST /v1/jobs), strings, all three or none.
  const creds = ['host', 'user', 'secret'].filter((k) => d[k] !== undefined);
  if (creds.some((k) => typeof d[k] !== 'string')) return 'host, user and secret must be strings';
  if (creds.includes('user') !== creds.includes('secret')) return 'user and secret must be given together';
  if (d.ports !== undefined && !(Array.isArray(d.ports) && d.ports.every((x) => isInt(x, 0)))) return 'ports must be integers';
  return undefined;
};

const LIST_KEYS = {
  jobs: ['page', 'limit', 'sort', 'filter[status]', 'filter[task]', 'filter[uuid]', 'filter[cpu_count]', 'filter[min_ram_gb]',
    'filter[min_storage_gb]', 'filter[min_vram_gb]', 'filter[created_at]'],
  runs: ['filter[job_uuid]', 'filter[status]', 'limit', 'page'],
  offers: ['limit', 'page', 'sort', 'filter[cpu_count]', 'filter[gpu_count]', 'filter[gpu_name]', 'filter[gpu_registry_uuid]',
    'filter[min_vram_gb]', 'filter[min_ram_gb]', 'filter[min_storage_gb]', 'filter[allowed_region_codes]', 'filter[ignore_region_constraints]'],
};

/** Why a list query is refused, or undefined. */
export const invalidQuery = (list: keyof typeof LIST_KEYS, q: URLSearchParams): string | undefined => {
  for (const key of q.keys()) if (!LIST_KEYS[list].includes(key)) return `unknown query parameter ${key}`;
  const limit = q.get('limit');
  if (limit !== null && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 50)) return 'limit must be 1 to 50';
  const page = q.get('page');
  if (page !== null && !(/^\d+$/.test(page) && Number(page) >= 1)) return 'page must be >= 1';
  const sort = q.get('sort');
  if (sort !== null && sort !== 'created_at' && sort !== '-created_at') return 'sort must be created_at or -created_at';
  return undefined;
};
