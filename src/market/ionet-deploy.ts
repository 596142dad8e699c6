// The fake's check of a POST /enterprise/v1/io-cloud/caas/deploy body against the published
// CaaSDeployClusterRequest (full OpenAPI file): additionalProperties false on the body, on
// container_config (ContainerConfig) and on registry_config (RegistryConfig); required
// resource_private_name, gpus_per_container (1..8), hardware_id, container_config
// {replica_count, traffic_port}, registry_config {image_url}; location_ids one id or null;
// entrypoint and args arrays of at least one string, or null. Failures are answered as
// FastAPI/pydantic does (HTTPValidationError: {detail: [{loc, msg, type}]}, status 422).
import type { FakeResponse } from './shared/index.js';

type Json = Record<string, unknown>;
interface Problem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

const TOP = ['resource_private_name', 'node_pool_id', 'duration_hours', 'gpus_per_container', 'hardware_id', 'location_ids', 'container_config', 'registry_config'];
const CONTAINER = ['replica_count', 'env_variables', 'secret_env_variables', 'entrypoint', 'traffic_port', 'args', 'command'];
const REGISTRY = ['image_url', 'registry_username', 'registry_secret'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => Number.isInteger(v);

const checkObject = (value: unknown, loc: string[], allowed: string[], required: string[], out: Problem[]): value is Json => {
  if (!isObject(value)) {
    out.push({ loc, msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' });
    return false;
  }
  for (const k of Object.keys(value)) if (!allowed.includes(k)) out.push({ loc: [...loc, k], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  for (const k of required) if (value[k] === undefined) out.push({ loc: [...loc, k], msg: 'Field required', type: 'missing' });
  return true;
};

const checkInt = (v: unknown, loc: string[], out: Problem[], min?: number, max?: number): void => {
  if (v === undefined) return;
  if (!isInt(v)) out.push({ loc, msg: 'Input should be a valid integer', type: 'int_type' });
  else if (min !== undefined && (v as number) < min) out.push({ loc, msg: `Input should be greater than or equal to ${min}`, type: 'greater_than_equal' });
  else if (max !== undefined && (v as number) > max) out.push({ loc, msg: `Input should be less than or equal to ${max}`, type: 'less_than_equal' });
};

const checkStrings = (v: unknown, loc: string[], out: Problem[]): void => {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) out.push({ loc, msg: 'Input should be a valid list of strings', type: 'list_type' });
  else if (v.length < 1) out.push({ loc, msg: 'List should have at least 1 item after validation, not 0', type: 'too_short' });
};

const checkStringMap = (v: unknown, loc: string[], out: Problem[]): void => {
  if (v === undefined) return;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) out.push({ loc, msg: 'Input should be a valid dictionary of strings', type: 'dict_type' });
};

/** The 422 answer for an invalid deploy body, or undefined when it is valid. */
export const deployBodyProblems = (body: unknown): FakeResponse | undefined => {
  const out: Problem[] = [];
  if (checkObject(body, ['body'], TOP, ['resource_private_name', 'gpus_per_container', 'hardware_id', 'container_config', 'registry_config'], out)) {
    if (body.resource_private_name !== undefined && typeof body.resource_private_name !== 'string') {
      out.push({ loc: ['body', 'resource_private_name'], msg: 'Input should be a valid string', type: 'string_type' });
    }
    checkInt(body.duration_hours, ['body', 'duration_hours'], out);
    checkInt(body.gpus_per_container, ['body', 'gpus_per_container'], out, 1, 8);
    checkInt(body.hardware_id, ['body', 'hardware_id'], out);
    const locs = body.location_ids;
    if (locs !== undefined && locs !== null && (!Array.isArray(locs) || locs.length !== 1 || !locs.every(isInt))) {
      out.push({ loc: ['body', 'location_ids'], msg: 'Only single locations is supported for now', type: 'list_type' });
    }
    const cc = body.container_config;
    if (cc !== undefined && checkObject(cc, ['body', 'container_config'], CONTAINER, ['replica_count', 'traffic_port'], out)) {
      checkInt(cc.replica_count, ['body', 'container_config', 'replica_count'], out);
      checkInt(cc.traffic_port, ['body', 'container_config', 'traffic_port'], out);
      checkStrings(cc.entrypoint, ['body', 'container_config', 'entrypoint'], out);
      checkStrings(cc.args, ['body', 'container_config', 'args'], out);
      checkStringMap(cc.env_variables, ['body', 'container_config', 'env_variables'], out);
      checkStringMap(cc.secret_env_variables, ['body', 'container_config', 'secret_env_variables'], out);
    }
    const rc = body.registry_config;
    if (rc !== undefined && checkObject(rc, ['body', 'registry_config'], REGISTRY, ['image_url'], out)) {
      if (rc.image_url !== undefined && typeof rc.image_url !== 'string') {
        out.push({ loc: ['body', 'registry_config', 'image_url'], msg: 'Input should be a valid string', type: 'string_type' });
      }
      // registry_username / registry_secret: string or null (RegistryConfig anyOf); the value is never echoed.
      for (const k of ['registry_username', 'registry_secret']) {
        if (rc[k] !== undefined && rc[k] !== null && typeof rc[k] !== 'string') out.push({ loc: ['body', 'registry_config', k], msg: 'Input should be a valid string', type: 'string_type' });
      }
    }
  }
  return out.length === 0 ? undefined : { status: 422, body: { detail: out } };
};

/** One pydantic-style 422 entry, for the fake's own refusals (capacity, a reused name). */
export const refusal = (field: string, msg: string): FakeResponse => ({
  status: 422,
  body: { detail: [{ loc: ['body', field], msg, type: 'value_error' }] },
});
