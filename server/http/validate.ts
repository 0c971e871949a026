// Validation at the edge: request parts are parsed with the route's schema, never cast.
import type { z } from 'zod';
import { AppError } from '../errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success && value === undefined) {
    throw new AppError(415, 'json_required', 'Send a JSON body with Content-Type: application/json.');
  }
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const message = first ? `Invalid request: ${first.path ? `${first.path}: ` : ''}${first.message}.` : 'Invalid request.';
  return fail(message, issues);
}

function fail(message: string, issues: unknown[]): never {
  throw new AppError(422, 'validation_failed', message, { details: { issues } });
}
