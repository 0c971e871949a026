// Replies found by the IMAP poller in a real Dovecot (delivered there by IMAP APPEND): every reply case, the
// mailbox settings API (the password never shown, never logged; the connection status), resuming after a restart
// of the app without reporting a reply twice, a new UIDVALIDITY rescanned without double reports, and a
// reply to one sender's message in another sender's mailbox recording nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MailboxJson } from '../../server/api-types.ts';
import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { startApp, type TestApp, type TestSender } from '../helpers/app.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { captureLogs } from '../helpers/logs.ts';
import type { MailRig } from '../helpers/mail.ts';
import { checkEvent, replyCases, sendOriginals, type Sent } from '../helpers/reply-cases.ts';
import { reply } from '../helpers/replies.ts';
import { startSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { eventually } from '../helpers/wait.ts';

const INBOX = 'inbox@example.org';
const OTHER = 'other@example.org';
const INBOUND = new Set(['reply', 'auto_reply', 'bounce']);

async function api(t: TestApp, s: TestSender, method: string, body?: unknown) {
  const res = await fetch(`${t.url}/api/mailbox`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as MailboxJson & { error?: any }) : null };
}

const inboundEvents = async (t: TestApp, s: TestSender): Promise<ActivityEvent[]> =>
  (await t.app.events.after(s.id, 0)).filter((e) => INBOUND.has(e.type));

/** Log lines of the poller having taken a message (debug), as objects. */
const taken = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'mailbox message taken');

describe('replies through IMAP (a real Dovecot)', () => {
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let dataDir: string;
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  let s: TestSender;
  let sent: Sent;
  let caseCount = 0;
  const env = () => ({
    DATA_DIR: dataDir,
    SMTP_UPSTREAM_URL: sink.url,
    IMAP_ALLOW_PRIVATE: 'true',
    IMAP_POLL_INTERVAL_MS: '2000',
    IMAP_BACKOFF_MAX_MS: '2000',
  });
  const boot = async () => {
    logs = captureLogs('debug');
    t = await startApp(env(), { logger: logs.logger });
    await t.app.replies.poller.start();
  };

  before(async () => {
    dovecot = await startDovecot([INBOX, OTHER]);
    sink = await startSink();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-imap-'));
    await boot();
    const { port } = await t.app.mail.relay.start(0, '127.0.0.1');
    s = await t.sender();
    sent = await sendOriginals({ t, sink, smtpPort: port, tlsPort: null, close: async () => {} } as MailRig, s);
  });
  after(async () => {
    await t?.close();
    await sink?.close();
    await dovecot?.stop();
  });

  it('saves the mailbox (the password never shown) and connects', async () => {
    const put = await api(t, s, 'PUT', {
      host: dovecot.host,
      port: dovecot.port,
      security: 'off',
      user: INBOX,
      password: dovecot.users[INBOX]!.pass,
    });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.json!.passwordSet, true);
    assert.ok(!put.text.includes(dovecot.users[INBOX]!.pass), 'PUT answers without the password');
    const status = await eventually(
      async () => {
        const g = await api(t, s, 'GET');
        return g.json?.status.state === 'connected' ? g : null;
      },
      30_000,
      'the mailbox connected',
    );
    assert.ok(!status.text.includes(dovecot.users[INBOX]!.pass), 'GET answers without the password');
  });

  it('finds every reply case delivered into the mailbox, and leaves unrelated mail alone', async () => {
    await dovecot.append(
      INBOX,
      reply({ from: 'ann@acme.example', to: s.email, subject: 'Lunch?', inReplyTo: '<x@y.example>' }).raw,
    );
    const cases = replyCases(s, sent);
    caseCount = cases.length;
    for (const c of cases) await dovecot.append(INBOX, c.raw);
    const events = await eventually(
      async () => {
        const e = await inboundEvents(t, s);
        return e.length >= cases.length ? e : null;
      },
      30_000,
      `${cases.length} inbound events from the mailbox`,
    );
    assert.equal(events.length, cases.length, 'one event per case, none for the unrelated mail');
    cases.forEach((c, i) => checkEvent(c, sent, events[i]));
    const g = await api(t, s, 'GET');
    assert.equal(g.json!.status.lastUid, cases.length + 1, 'every UID taken');
    assert.ok(g.json!.status.lastCheckedAt, 'a last check is shown');
  });

  it('resumes after a restart without reporting a reply twice', async () => {
    const lastUid = (await api(t, s, 'GET')).json!.status.lastUid;
    await t.close({ keepData: true });
    await boot();
    const late = reply({
      from: 'ann@acme.example',
      to: s.email,
      subject: 'Re: Proposal',
      inReplyTo: sent.proposal.messageId,
      body: 'One more thing.',
    });
    const uid = await dovecot.append(INBOX, late.raw);
    const events = await eventually(
      async () => {
        const e = await inboundEvents(t, s);
        return e.length > caseCount ? e : null;
      },
      30_000,
      'the reply delivered after the restart',
    );
    assert.equal(events.length, caseCount + 1, 'only the new reply is added');
    assert.deepEqual(
      taken(logs.lines).map((l) => l.uid),
      [uid],
      `after the restart only UIDs past ${lastUid} are fetched`,
    );
  });

  it('rescans a folder whose UIDVALIDITY changed, reporting nothing twice', async () => {
    const before = (await inboundEvents(t, s)).length;
    await t.close({ keepData: true });
    await dovecot.renumber(INBOX, 4242);
    await boot();
    const status = await eventually(
      async () => {
        const g = await api(t, s, 'GET');
        return g.json?.status.uidValidity === '4242' && g.json.status.state === 'connected' ? g.json.status : null;
      },
      30_000,
      'the poller seeing UIDVALIDITY 4242',
    );
    const seen = await eventually(
      () => {
        const l = taken(logs.lines);
        return l.length >= caseCount + 1 ? l : null;
      },
      30_000,
      'the rescan taking every tracked reply again',
    );
    assert.ok(
      seen.every((l) => l.status === 'duplicate'),
      'each was recognised by its Message-ID',
    );
    assert.equal((await inboundEvents(t, s)).length, before, 'no event twice');
    assert.ok(status.uidValidity === '4242');
    const after = (await api(t, s, 'GET')).json!.status;
    assert.equal(after.lastUid, caseCount + 2, 'every UID under the new UIDVALIDITY taken');
  });

  it('shows an outage as an error, backs off, and reconnects to take what arrived meanwhile', async () => {
    const before = (await inboundEvents(t, s)).length;
    await dovecot.pause();
    const down = await eventually(
      async () => {
        const g = await api(t, s, 'GET');
        return g.json?.status.state === 'error' ? g.json.status : null;
      },
      30_000,
      'the outage shown as an error',
    );
    assert.ok(down.message, 'with a message');
    await dovecot.resume();
    await dovecot.append(
      INBOX,
      reply({ from: 'ben@partner.example', to: s.email, subject: 'Re: Proposal', inReplyTo: sent.proposal.messageId })
        .raw,
    );
    await eventually(
      async () => (await inboundEvents(t, s)).length === before + 1,
      30_000,
      'the reply after the outage',
    );
    assert.equal((await api(t, s, 'GET')).json!.status.state, 'connected');
  });

  it("a reply to one sender's message in another sender's mailbox records nothing; a wrong password shows as an error, never logged", async () => {
    const other = await t.sender();
    const put = await api(t, other, 'PUT', {
      host: dovecot.host,
      port: dovecot.port,
      security: 'off',
      user: OTHER,
      password: dovecot.users[OTHER]!.pass,
    });
    assert.equal(put.status, 201, put.text);
    await eventually(async () => (await api(t, other, 'GET')).json?.status.state === 'connected', 30_000, 'connected');
    const before = (await inboundEvents(t, s)).length;
    const uid = await dovecot.append(
      OTHER,
      reply({ from: 'ann@acme.example', to: other.email, subject: 'Re: Proposal', inReplyTo: sent.proposal.messageId })
        .raw,
    );
    await eventually(
      async () => (await api(t, other, 'GET')).json?.status.lastUid === uid,
      30_000,
      'the other mailbox checked',
    );
    assert.equal((await inboundEvents(t, other)).length, 0);
    assert.equal((await inboundEvents(t, s)).length, before);

    const wrong = 'not-the-password-Zq8';
    const bad = await api(t, other, 'PUT', {
      host: dovecot.host,
      port: dovecot.port,
      security: 'off',
      user: OTHER,
      password: wrong,
    });
    assert.equal(bad.status, 200, bad.text);
    const failed = await eventually(
      async () => {
        const g = await api(t, other, 'GET');
        return g.json?.status.state === 'error' ? g : null;
      },
      30_000,
      'the failed sign-in shown as the status',
    );
    assert.match(failed.json!.status.message ?? '', /sign-in|auth/i);
    for (const p of [wrong, dovecot.users[OTHER]!.pass, dovecot.users[INBOX]!.pass]) {
      assert.ok(!failed.text.includes(p), 'no password in the answer');
      assert.ok(!logs.lines.some((l) => l.includes(p)), 'no password in the log');
    }
    const sealed = await t.db.selectFrom('mailboxes').select('password_sealed').execute();
    assert.ok(
      sealed.every((r) => !r.password_sealed.includes(wrong)),
      'stored sealed, not in clear',
    );
    assert.equal((await api(t, other, 'DELETE')).status, 204);
    assert.equal((await api(t, other, 'GET')).status, 404);
  });

  it('refuses a public host over plain IMAP and a private one unless allowed', async () => {
    const strict = await startApp({});
    try {
      const owner = await strict.sender();
      const body = { host: '127.0.0.1', port: dovecot.port, security: 'off', user: INBOX, password: 'x' };
      const r = await api(strict, owner, 'PUT', body);
      assert.equal(r.status, 422);
      assert.equal(r.json!.error.code, 'mailbox_host_refused');
      const plain = await api(t, s, 'PUT', { ...body, host: '93.184.215.14' });
      assert.equal(plain.status, 422);
      assert.equal(plain.json!.error.code, 'mailbox_insecure');
      const missing = await api(strict, owner, 'PUT', { host: '127.0.0.1', user: INBOX });
      assert.equal(missing.status, 422);
    } finally {
      await strict.close();
    }
  });
});
