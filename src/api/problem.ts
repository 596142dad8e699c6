// RFC 9457 problem details. Every error the API returns goes through here.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://switchyard.dev/problems/';

export interface FieldError {
  /** Dotted path of the offending field, e.g. resources.gpu.count */
  field: string;
  /** RFC 6901 JSON pointer to the same field */
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemBody = (
  status: number,
  slug: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem => ({ type: `${TYPE_BASE}${slug}`, title, status, detail, ...extra });

/** The request's id (set by hono/request-id in the app), so a problem body can be matched to our logs. */
const requestIdOf = (c: Context): { requestId?: string } => {
  const id = (c.get as (key: string) => unknown)('requestId');
  return typeof id === 'string' ? { requestId: id } : {};
};

export const problem = (
  c: Context,
  status: ContentfulStatusCode,
  slug: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response =>
  c.body(JSON.stringify({ ...problemBody(status, slug, title, detail, extra), instance: c.req.path, ...requestIdOf(c) }), status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...headers,
  });

const pointerOf = (path: PropertyKey[]): string =>
  path.length === 0 ? '' : '/' + path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export const fieldErrors = (error: ZodError, prefix: PropertyKey[] = []): FieldError[] =>
  error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    return { field: path.map(String).join('.') || '(body)', pointer: pointerOf(path), detail: issue.message };
  });

export const validationProblem = (c: Context, errors: FieldError[], where = 'request body'): Response =>
  problem(
    c,
    400,
    'validation',
    'Invalid request',
    `The ${where} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.field).join(', ')}`,
    { errors },
  );
