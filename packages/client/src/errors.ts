// Typed errors: every non-2xx answer from the API is an RFC 9457 problem+json body;
// SwitchyardError carries it whole so callers can branch on status or type.

export interface FieldError {
  field: string;
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class SwitchyardError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** Every invalid field of a 400, as the API named them. */
  readonly fields: FieldError[];
  readonly requestId: string | undefined;
  readonly problem: ProblemBody;

  constructor(status: number, problem: ProblemBody, requestId?: string) {
    const title = problem.title ?? `HTTP ${status}`;
    const detail = problem.detail ?? '';
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'SwitchyardError';
    this.status = status;
    this.type = problem.type ?? 'about:blank';
    this.title = title;
    this.detail = detail;
    this.fields = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = requestId;
    this.problem = problem;
  }
}

/** Builds the error from a response whose body was already read (or could not be). */
export const errorFromResponse = (response: Response, body: unknown): SwitchyardError => {
  const problem: ProblemBody =
    body && typeof body === 'object' ? (body as ProblemBody) : { title: response.statusText || `HTTP ${response.status}`, detail: typeof body === 'string' ? body.slice(0, 500) : '' };
  return new SwitchyardError(response.status, problem, response.headers.get('request-id') ?? undefined);
};
