// Money refusals. The API maps PaymentRequiredError to a 402 problem+json with `slug`
// as its type and the figures in `extra`, so a client can tell why and by how much.
export class PaymentRequiredError extends Error {
  constructor(
    readonly slug: 'budget-exceeded' | 'insufficient-balance' | 'invoice-overdue',
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** A USDC payment that cannot be credited; `slug` names the reason for the problem type. */
export class PaymentRejectedError extends Error {
  constructor(
    readonly slug: string,
    readonly status: 400 | 409 | 422,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}
