// Reads Authentication-Results (RFC 8601) as the receiving server wrote them: a reply whose DMARC failed, or whose
// SPF and DKIM failed with neither passing, is not believed. Only the header of the server we trust is read: the
// one whose authserv-id is INBOUND_AUTHSERV_ID, else the topmost (added last, by the server that took the mail in);
// the sender of a forged reply can add headers of their own below it, but not above.

export interface AuthVerdict {
  failed: boolean;
  /** "dmarc=fail spf=fail dkim=none": the results read, for the event's detail. */
  summary: string | null;
}

/** Strips RFC 5322 comments ("(...)") and quoted strings, which may hold ';' and '='. */
function clean(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (quoted) {
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (ch === '"') quoted = true;
      else out += ch;
    }
  }
  return out.replace(/\s+/g, ' ');
}

function parse(value: string): { authservId: string; results: { method: string; result: string }[] } {
  const [id = '', ...rest] = clean(value).split(';');
  const results = rest.flatMap((r) => {
    const m = /^\s*([a-z][a-z0-9_-]*)(?:\/[0-9]+)?\s*=\s*([a-z]+)/i.exec(r);
    return m ? [{ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase() }] : [];
  });
  return { authservId: id.trim().split(' ')[0]!.toLowerCase(), results };
}

/** `values`: the Authentication-Results header values, topmost first. */
export function authVerdict(values: string[], authservId?: string): AuthVerdict {
  const parsed = values.map(parse);
  const trusted = authservId ? parsed.filter((p) => p.authservId === authservId.toLowerCase()) : parsed.slice(0, 1);
  const results = trusted.flatMap((p) => p.results);
  if (!results.length) return { failed: false, summary: null };
  const of = (method: string) => results.filter((r) => r.method === method).map((r) => r.result);
  const dmarc = of('dmarc');
  const aligned = [...of('spf'), ...of('dkim')];
  const failed =
    dmarc.includes('fail') || (!dmarc.includes('pass') && aligned.includes('fail') && !aligned.includes('pass'));
  const summary = results.map((r) => `${r.method}=${r.result}`).join(' ');
  return { failed, summary };
}
