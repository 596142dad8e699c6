// A provider contract read from an OpenAPI 3.0 or 3.1 document: operations are looked up
// by method + path template (literal segments beat templated ones), then path and query
// parameters, the request body and the response body are validated with ajv against the
// operation's own schemas, `$ref`s resolved inside the document. Anything the spec lacks —
// the operation, a query parameter, a body, a status — is a violation naming the path.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { applyAssumptions, type Assumption, type CheckResult, type Exchange, type ProviderContract } from './contract.js';
import { normalizeOpenApi30 } from './openapi30.js';
import { readSpec } from './spec-files.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export interface OpenApiContractOptions {
  provider: string;
  /** Path inside ../shared/provider-specs. */
  file?: string;
  /**
   * For a provider with no machine-readable spec: an OpenAPI 3.1 document written in code
   * from its FACTS.md table (each schema citing its row), with `source` naming that table.
   */
  document?: Record<string, unknown>;
  source?: string;
  /** Edits to the loaded document before use (e.g. a generator's broken pattern), each with its reason in a comment. */
  patch?: (doc: Json) => void;
  /** Strip a trailing `/` from paths before matching (Vast: the spec omits it, the API takes it). */
  ignoreTrailingSlash?: boolean;
  /** Prefix the fake serves the spec's paths under (a server URL with a base path). */
  basePath?: string;
  assumptions?: Assumption[];
}

interface Operation {
  id: string;
  method: string;
  template: string;
  regex: RegExp;
  literalSegments: number;
  pointer: string;
  op: Json;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiContract implements ProviderContract {
  readonly provider: string;
  readonly source: string;
  private readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly options: OpenApiContractOptions) {
    this.provider = options.provider;
    this.source = options.source ?? options.file ?? 'an in-code document';
    if (!options.file && !options.document) throw new Error(`contract for ${options.provider} names no spec`);
    const doc = structuredClone(options.file ? readSpec(options.file) : options.document!) as Json;
    const is31 = String(doc.openapi ?? '').startsWith('3.1');
    if (!is31) normalizeOpenApi30(doc);
    options.patch?.(doc);
    this.doc = doc;
    const ajvOptions = { strict: false, allErrors: true, validateSchema: false, logger: false as const };
    this.ajv = is31 ? (new Ajv2020(ajvOptions) as unknown as Ajv) : new Ajv(ajvOptions);
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'spec');
    for (const [template, item] of Object.entries((doc.paths ?? {}) as Json)) {
      for (const method of METHODS) {
        const op = (item as Json)[method];
        if (!op) continue;
        const segments = this.normalize(template).split('/');
        // A parameter may share its segment with literal text (Google's custom verbs: `{jobsId}:cancel`).
        const segmentRegex = (s: string): string =>
          s.split(/(\{[^}]+\})/).map((part) => (/^\{[^}]+\}$/.test(part) ? '([^/]+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
        const regex = new RegExp(`^${segments.map(segmentRegex).join('/')}$`);
        this.operations.push({
          id: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          regex,
          literalSegments: segments.filter((s) => !s.startsWith('{')).length,
          pointer: `#/paths/${escapePointer(template)}/${method}`,
          op: { ...op, parameters: [...(((item as Json).parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])] },
        });
      }
    }
  }

  private normalize(path: string): string {
    return this.options.ignoreTrailingSlash && path.length > 1 ? path.replace(/\/+$/, '') : path;
  }

  /** The operation a request goes to, or undefined when the spec has none. */
  find(method: string, path: string): Operation | undefined {
    const base = this.options.basePath ?? '';
    if (base && !path.startsWith(base)) return undefined;
    const p = this.normalize(path.slice(base.length) || '/');
    return this.operations
      .filter((o) => o.method === method && o.regex.test(p))
      .sort((a, b) => b.literalSegments - a.literalSegments)[0];
  }

  operationIds(): string[] {
    return this.operations.map((o) => o.id);
  }

  check(exchange: Exchange): CheckResult {
    const op = this.find(exchange.method, exchange.path);
    if (!op) {
      return { violations: [`${exchange.method} ${exchange.path}: no such operation in ${this.source}`], assumptions: [] };
    }
    const violations: string[] = [];
    this.checkParameters(op, exchange, violations);
    this.checkRequestBody(op, exchange, violations);
    const undocumentedInjected = this.checkResponse(op, exchange, violations);
    return applyAssumptions({ operation: op.id, violations, assumptions: [], undocumentedInjected }, this.options.assumptions ?? []);
  }

  private resolve(node: Json | undefined): Json | undefined {
    let n = node;
    for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i += 1) {
      n = n.$ref.split('/').slice(1).reduce((acc: Json | undefined, part: string) => acc?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return n;
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `spec${pointer}` });
      this.compiled.set(pointer, v);
    }
    return v;
  }

  private validate(pointer: string, value: unknown, where: string, violations: string[]): void {
    const v = this.validator(pointer);
    if (v(value)) return;
    for (const e of v.errors ?? []) {
      const p = (e.params ?? {}) as Record<string, unknown>;
      const named = p.additionalProperty ?? p.unevaluatedProperty ?? p.allowedValues;
      const extra = named === undefined ? '' : ` (${JSON.stringify(named)})`;
      violations.push(`${where}${e.instancePath || ''} ${e.message ?? 'is invalid'}${extra}`);
    }
  }

  private checkParameters(op: Operation, exchange: Exchange, violations: string[]): void {
    const params = (op.op.parameters as Json[]).map((p, i) => ({ p: this.resolve(p) ?? p, i }));
    const match = op.regex.exec(this.normalize(exchange.path.slice((this.options.basePath ?? '').length) || '/'));
    const names = [...this.normalize(op.template).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const where = `${op.id}`;
    names.forEach((name, k) => {
      const raw = decodeURIComponent(match?.[k + 1] ?? '');
      const found = params.find(({ p }) => p.in === 'path' && p.name === name);
      if (found?.p.schema) this.validate(this.paramPointer(op, found), coerce(raw, this.resolve(found.p.schema)), `${where} path parameter ${name}`, violations);
    });
    const query = new Map<string, string[]>();
    for (const [k, v] of exchange.query) query.set(k, [...(query.get(k) ?? []), v]);
    for (const [name, values] of query) {
      const found = params.find(({ p }) => p.in === 'query' && p.name === name);
      if (!found) {
        violations.push(`${where} query parameter ${name} is not in the spec`);
        continue;
      }
      const schema = this.resolve(found.p.schema);
      if (!schema) continue;
      const isArray = schema.type === 'array';
      if (!isArray && values.length > 1) violations.push(`${where} query parameter ${name} is repeated`);
      const value = isArray ? values.map((v) => coerce(v, this.resolve(schema.items))) : coerce(values[0]!, schema);
      this.validate(this.paramPointer(op, found), value, `${where} query parameter ${name}`, violations);
    }
    for (const { p } of params) {
      if (p.in === 'query' && p.required && !query.has(p.name)) violations.push(`${where} required query parameter ${p.name} is missing`);
    }
  }

  private paramPointer(op: Operation, found: { p: Json; i: number }): string {
    // Parameters may come from the path item or the operation; point at the schema wherever it is.
    const item = this.doc.paths[op.template] as Json;
    const own = (item[op.method.toLowerCase()].parameters ?? []) as Json[];
    const shared = (item.parameters ?? []) as Json[];
    const inShared = found.i < shared.length;
    const list = inShared ? shared : own;
    const index = inShared ? found.i : found.i - shared.length;
    const base = inShared ? `#/paths/${escapePointer(op.template)}/parameters/${index}` : `${op.pointer}/parameters/${index}`;
    const raw = list[index] as Json;
    if (typeof raw.$ref === 'string') return `${raw.$ref}/schema`;
    return `${base}/schema`;
  }

  private checkRequestBody(op: Operation, exchange: Exchange, violations: string[]): void {
    const body = this.resolve(op.op.requestBody);
    const sent = exchange.requestBody;
    if (sent === undefined) {
      if (body?.required) violations.push(`${op.id} request body is required but none was sent`);
      return;
    }
    if (!body) {
      violations.push(`${op.id} takes no request body, but one was sent`);
      return;
    }
    const type = jsonContentType(body.content);
    if (!type) {
      violations.push(`${op.id} request body: the spec documents no JSON content (${Object.keys(body.content ?? {}).join(', ')})`);
      return;
    }
    const ptr = typeof op.op.requestBody?.$ref === 'string' ? op.op.requestBody.$ref : `${op.pointer}/requestBody`;
    this.validate(`${ptr}/content/${escapePointer(type)}/schema`, sent, `${op.id} request body`, violations);
  }

  /** Returns true when an injected fault's status is not documented (so there is nothing to check). */
  private checkResponse(op: Operation, exchange: Exchange, violations: string[]): boolean {
    const responses = (op.op.responses ?? {}) as Json;
    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses);
    if (!key) {
      if (exchange.injected) return true;
      violations.push(`${op.id} response status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
      return false;
    }
    const response = this.resolve(responses[key]);
    const type = jsonContentType(response?.content);
    if (exchange.responseBody === undefined) return false;
    if (!type) {
      if (!response?.content || Object.keys(response.content).length === 0) {
        violations.push(`${op.id} response ${key}: the spec documents no body, but the fake returned one`);
      }
      return false;
    }
    const ptr = typeof responses[key].$ref === 'string' ? responses[key].$ref : `${op.pointer}/responses/${escapePointer(key)}`;
    const schemaNode = response?.content?.[type]?.schema;
    if (!schemaNode) return false; // a content type with no schema says nothing about the body
    this.validate(`${ptr}/content/${escapePointer(type)}/schema`, exchange.responseBody, `${op.id} response ${key} body`, violations);
    return false;
  }
}

const jsonContentType = (content: Json | undefined): string | undefined =>
  content ? Object.keys(content).find((t) => t === 'application/json' || /[+/]json\b/.test(t) || t === '*/*') : undefined;

/** Query and path values arrive as text; give them the type their schema names. */
const coerce = (raw: string, schema: Json | undefined): unknown => {
  const types = [schema?.type, ...((schema?.anyOf ?? schema?.oneOf ?? []) as Json[]).map((s) => s.type)].flat().filter(Boolean);
  if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
};
