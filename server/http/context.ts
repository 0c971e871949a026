// What the HTTP layer attaches to a request, and the typed ways to read it.
import type { Request } from 'express';
import type { Sender } from '../accounts/senders.ts';
import { unauthorized } from '../errors.ts';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    sender?: Sender;
  }
}

export function senderOf(req: Request): Sender {
  if (!req.sender) throw unauthorized();
  return req.sender;
}
