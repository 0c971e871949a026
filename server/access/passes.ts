// The three bearer values of link access, sealed (AES-256-GCM, storage/sealer.ts) so any instance can check them
// without a lookup, each bound to its link (the link id is authenticated with it) and expiring:
// - the pass: an HttpOnly cookie scoped to /v/<token>, saying which gates this browser passed (passcode, address);
// - the entry ticket: the same facts, put in the reader page for the viewer socket (socket.io's requests do not
//   carry a cookie scoped to /v/<token>);
// - the file token: one visit's right to read the PDF, given in visit:started and renewed while the visit lives;
// - the page token: put in the reader page (after its gates) so page 1's image is fetched before the visit opens;
//   good for that image alone, for a few seconds.
import { randomBytes } from 'node:crypto';
import type { Sealer } from '../../storage/sealer.ts';

export const PASS_COOKIE = 'pt_access';

export interface Pass {
  /** The passcode was entered. */
  passcode: boolean;
  /** The verified address, if any. */
  email: string | null;
  expiresAtMs: number;
}

export interface FileGrant {
  visitId: string;
  expiresAtMs: number;
}

type Kind = 'pass' | 'entry' | 'file' | 'page';

export class AccessPasses {
  private readonly sealer: Sealer;

  constructor(sealer: Sealer) {
    this.sealer = sealer;
  }

  private seal(kind: Kind, linkId: string, body: Record<string, unknown>): string {
    // 128 random bits in every value, beside the IV: no two are alike, and none can be guessed.
    return this.sealer.seal(JSON.stringify({ ...body, n: randomBytes(16).toString('base64url') }), `${kind}:${linkId}`);
  }

  /** The body of a sealed value of this kind and link; null when it is malformed, foreign or expired. */
  private open(kind: Kind, linkId: string, value: unknown, now = Date.now()): Record<string, unknown> | null {
    if (typeof value !== 'string' || value.length > 2048) return null;
    try {
      const body = JSON.parse(this.sealer.open(value, `${kind}:${linkId}`)) as Record<string, unknown>;
      return typeof body.x === 'number' && body.x > now ? body : null;
    } catch {
      return null;
    }
  }

  /** A pass as a cookie value ('pass') or as the reader page's entry ticket ('entry'): the same facts, sealed apart. */
  sealPass(linkId: string, pass: Pass, kind: 'pass' | 'entry' = 'pass'): string {
    return this.seal(kind, linkId, { p: pass.passcode, e: pass.email, x: pass.expiresAtMs });
  }

  openPass(linkId: string, value: unknown, kind: 'pass' | 'entry' = 'pass'): Pass | null {
    const b = this.open(kind, linkId, value);
    return b
      ? { passcode: b.p === true, email: typeof b.e === 'string' ? b.e : null, expiresAtMs: b.x as number }
      : null;
  }

  sealFile(linkId: string, grant: FileGrant): string {
    return this.seal('file', linkId, { v: grant.visitId, x: grant.expiresAtMs });
  }

  /** 'expired' is told apart so the reader can be told to wait for a fresh token. */
  openFile(linkId: string, value: unknown): FileGrant | 'expired' | null {
    const b = this.open('file', linkId, value, 0);
    if (!b || typeof b.v !== 'string') return null;
    if ((b.x as number) <= Date.now()) return 'expired';
    return { visitId: b.v, expiresAtMs: b.x as number };
  }

  sealPage(linkId: string, expiresAtMs: number): string {
    return this.seal('page', linkId, { x: expiresAtMs });
  }

  /** 'expired' as for the file token: the reader then waits for its visit's token. */
  openPage(linkId: string, value: unknown): 'valid' | 'expired' | null {
    const b = this.open('page', linkId, value, 0);
    if (!b) return null;
    return (b.x as number) <= Date.now() ? 'expired' : 'valid';
  }
}
