// The access gates over HTTP: the forms' posts (passcode, email, code) under /v/:token/access/, the pass cookie
// (HttpOnly, SameSite=Lax, scoped to /v/<token>), and the page a decision shows instead of the reader.
import express, { Router, type Request, type Response } from 'express';
import type { LinkAccessParts } from '../access/access.ts';
import type { Decision } from '../access/gate.ts';
import { PASS_COOKIE, type Pass } from '../access/passes.ts';
import { REFUSAL_TEXT, type RefusalReason } from '../access/settings.ts';
import { clientInfo, readCookie } from '../accounts/identity.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { TrustProxy } from '../config.ts';
import type { Links, ResolvedLink } from '../documents/links.ts';
import { stripBidiControls } from '../documents/names.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { codePage, emailPage, passcodePage, refusedPage } from './gate-pages.ts';
import { unavailablePage } from './pages.ts';
import { sendPage } from './security.ts';

export interface AccessRouteDeps {
  links: Links;
  accounts: Accounts;
  access: LinkAccessParts;
  trustProxy: TrustProxy;
  publicUrl: string;
  logger: Logger;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$/i;
const tokenOf = (req: Request) => String(req.params.token ?? '');

export function readPass(req: Request, access: LinkAccessParts, linkId: string): Pass | null {
  return access.passes.openPass(linkId, readCookie(req, PASS_COOKIE));
}

function setPass(res: Response, d: AccessRouteDeps, token: string, linkId: string, pass: Pass): void {
  res.cookie(PASS_COOKIE, d.access.passes.sealPass(linkId, pass), {
    httpOnly: true,
    sameSite: 'lax',
    secure: d.access.secureCookies,
    path: `/v/${token}`,
    maxAge: d.access.passHours * 3_600_000,
  });
}

const status = (reason: RefusalReason) => (reason.endsWith('_attempts_exceeded') ? 429 : 403);

/** The page for a decision that is not "read": a gate's form or the refusal. */
export function sendDecision(res: Response, token: string, decision: Exclude<Decision, { kind: 'read' }>): void {
  if (decision.kind === 'passcode') sendPage(res, 200, passcodePage(token), { forms: true });
  else if (decision.kind === 'email') sendPage(res, 200, emailPage(token), { forms: true });
  else sendPage(res, status(decision.reason), refusedPage(REFUSAL_TEXT[decision.reason]));
}

export function accessRoutes(d: AccessRouteDeps): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const origin = new URL(d.publicUrl).origin;

  /** Resolves the link for a gate post, or answers with the page a dead link shows (null). */
  async function linkFor(req: Request, res: Response): Promise<ResolvedLink | null> {
    // A form posted from another site is refused (the browser says where it came from). The gate pages send no
    // Referer, so browsers send `Origin: null`; Sec-Fetch-Site still tells our own pages apart.
    const from = req.get('origin');
    const site = req.get('sec-fetch-site');
    if ((site && site !== 'same-origin' && site !== 'none') || (from && from !== 'null' && from !== origin)) {
      sendPage(res, 403, refusedPage('This form can only be sent from the document page.'));
      return null;
    }
    try {
      return await d.links.resolve(tokenOf(req));
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
      sendPage(res, err.status, unavailablePage());
      return null;
    }
  }
  const field = (req: Request, name: string) => {
    const v = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof v === 'string' ? v : '';
  };
  const back = (res: Response, token: string) => res.redirect(303, `/v/${encodeURIComponent(token)}`);

  r.post('/v/:token/access/passcode', form, async (req, res) => {
    const resolved = await linkFor(req, res);
    if (!resolved) return;
    const token = tokenOf(req);
    const client = await clientInfo(d.accounts, req, d.trustProxy);
    const outcome = await d.access.gate.tryPasscode(
      resolved,
      field(req, 'passcode'),
      readPass(req, d.access, resolved.link.id),
      client,
    );
    if (!outcome.ok) {
      const text = REFUSAL_TEXT[outcome.reason];
      sendPage(res, status(outcome.reason), passcodePage(token, text), { forms: true });
      return;
    }
    setPass(res, d, token, resolved.link.id, outcome.pass);
    back(res, token);
  });

  r.post('/v/:token/access/email', form, async (req, res) => {
    const resolved = await linkFor(req, res);
    if (!resolved) return;
    const token = tokenOf(req);
    const email = stripBidiControls(field(req, 'email')).trim().toLowerCase();
    if (email.length > 254 || !EMAIL.test(email)) {
      sendPage(res, 422, emailPage(token, 'That does not look like an email address.'), { forms: true });
      return;
    }
    if (!d.access.gate.canMail) {
      d.logger.warn({ linkId: resolved.link.id }, 'email gate without SMTP_UPSTREAM_URL: no code can be sent');
      sendPage(res, 503, emailPage(token, 'Codes cannot be sent right now. Ask the sender for help.'), { forms: true });
      return;
    }
    const client = await clientInfo(d.accounts, req, d.trustProxy);
    let codeId: string | null;
    try {
      codeId = await d.access.gate.sendCode(resolved, email, client);
    } catch (err) {
      d.logger.warn({ err, linkId: resolved.link.id }, 'access code could not be mailed');
      sendPage(res, 503, emailPage(token, 'The code could not be sent. Try again in a moment.'), { forms: true });
      return;
    }
    if (!codeId) {
      sendPage(res, 429, emailPage(token, 'Too many codes were asked for. Wait a few minutes.'), { forms: true });
      return;
    }
    sendPage(res, 200, codePage(token, codeId, email), { forms: true });
  });

  r.post('/v/:token/access/code', form, async (req, res) => {
    const resolved = await linkFor(req, res);
    if (!resolved) return;
    const token = tokenOf(req);
    const codeId = field(req, 'c').slice(0, 64);
    const client = await clientInfo(d.accounts, req, d.trustProxy);
    const outcome = await d.access.gate.tryCode(
      resolved,
      codeId,
      field(req, 'code').trim(),
      readPass(req, d.access, resolved.link.id),
      client,
    );
    if (!outcome.ok) {
      const text = REFUSAL_TEXT[outcome.reason];
      // A wrong code may be typed again; an expired or used-up one needs a new mail.
      const page = outcome.reason === 'wrong_code' ? codePage(token, codeId, '', text) : emailPage(token, text);
      sendPage(res, status(outcome.reason), page, { forms: true });
      return;
    }
    setPass(res, d, token, resolved.link.id, outcome.pass);
    back(res, token);
  });
  return r;
}
