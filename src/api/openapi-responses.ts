// Response entries shared by every route's OpenAPI description.
import { ProblemSchema } from './schemas.js';

/** An RFC 9457 problem response (application/problem+json) with this description. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
