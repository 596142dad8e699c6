// Job files in YAML or JSON (JSON is YAML), checked against the JobSpec schema of the API's
// own OpenAPI document (the one the types are generated from), with every error pointing
// at its line and column.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { JobSpec } from '../client.js';

export class JobFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { line: number; column: number; path: string; message: string }[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'JobFileError';
  }
}

const documentUrl = new URL('../generated/openapi.json', import.meta.url);
let validator: ReturnType<Ajv2020['compile']> | undefined;
const validateSpec = () => {
  if (validator) return validator;
  const document = JSON.parse(readFileSync(documentUrl, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  validator = ajv.compile({ $ref: '#/components/schemas/JobSpec' });
  return validator;
};

const describe = (error: ErrorObject): { segments: string[]; message: string; key?: string } => {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { segments, key: extra, message: `unknown field "${extra}"` };
  }
  if (error.keyword === 'required') return { segments, message: `missing required field "${(error.params as { missingProperty: string }).missingProperty}"` };
  if (error.keyword === 'enum') return { segments, message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  return { segments, message: error.message ?? 'is invalid' };
};

/** Reads and validates a job file; throws JobFileError naming each line at fault. */
export const loadJobFile = (file: string, text = readFileSync(file, 'utf8')): JobSpec => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new JobFileError(
      file,
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return { line: at.line, column: at.col, path: '', message: e.message.split('\n')[0] ?? 'syntax error' };
      }),
    );
  }
  const value: unknown = doc.toJS();
  const validate = validateSpec();
  if (validate(value)) return value as JobSpec;
  const problems = (validate.errors ?? []).map((error) => {
    const { segments, message, key } = describe(error);
    // The deepest node that exists: a missing field points at the object that lacks it.
    let node: unknown;
    for (let depth = segments.length; depth >= 0 && !isNode(node); depth--) node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth), true);
    // An unknown field points at its own key.
    if (key !== undefined && isMap(node)) node = node.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key ?? node;
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const at = lineCounter.linePos(offset);
    return { line: at.line, column: at.col, path: [...segments, ...(key !== undefined ? [key] : [])].join('.'), message };
  });
  throw new JobFileError(file, problems.sort((a, b) => a.line - b.line || a.column - b.column));
};
