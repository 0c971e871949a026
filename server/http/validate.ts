// Validation at the edge: request parts are parsed with the route's schema, never cast.
import type { z } from 'zod';
import { jsonRequired, validationFailed } from '../errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success && value === undefined) {
    throw jsonRequired();
  }
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const message = first
    ? `Invalid request: ${first.path ? `${first.path}: ` : ''}${first.message}.`
    : 'Invalid request.';
  throw validationFailed(message, issues);
}
