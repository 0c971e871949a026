// Holes 1 and 6: cross-site WebSocket hijacking of the feed (Origin checked on every transport and namespace; a
// cookie must come from our own pages), and feeds that outlive a sign-out, a session's end or a revoked token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { hashSecret } from '../../server/accounts/secrets.ts';
import { createLink, startApp, uploadReady, type TestApp, type TestSender } from '../helpers/app.ts';
import { makePdf } from '../helpers/pdf.ts';
import { collect, connectError, feed, once, pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let t: TestApp;
let alice: TestSender;
let cookie: string;
let docId: string;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(s: T) => (open.push(s), s);
const ownOrigin = () => new URL(t.url).origin;
/** Another port on the same host: same-site, so SameSite=Strict cookies ride along. */
const sibling = () => `http://127.0.0.1:${Number(new URL(t.url).port) + 1}`;

async function signIn(): Promise<string> {
  const res = await request(t.url)
    .post('/api/session')
    .send({ email: alice.email, password: alice.password })
    .expect(200);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

before(async () => {
  t = await startApp();
  alice = await t.sender();
  cookie = await signIn();
  docId = await uploadReady(t, alice.token, makePdf(2), 'Board.pdf');
  // History a hijacker would replay with after: 0.
  const v = track(viewer(t.url, { token: (await createLink(t, alice.token, docId)).token }));
  await started(v);
  await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
  v.close();
});
after(async () => {
  for (const s of open) s.close();
  await t.close();
});

describe('feed origin', () => {
  it('refuses the dashboard cookie from a page on another port of the host, and replays nothing to it', async () => {
    const f = track(feed(t.url, { after: 0 }, { cookie, origin: sibling() }));
    const got = collect(f);
    const err = await connectError(f as unknown as Socket);
    assert.ok(err, 'connect_error');
    assert.equal(f.connected, false);
    assert.equal(got.length, 0, 'no history replayed');
  });

  it('refuses a cookie with no Origin and no browser proof of a same-origin request', async () => {
    const f = track(feed(t.url, { after: 0 }, { cookie }));
    assert.equal((await connectError(f as unknown as Socket)).data?.code, 'unauthorized');
  });

  it("accepts the cookie from PUBLIC_URL's origin", async () => {
    const f = track(feed(t.url, { after: 0 }, { cookie, origin: ownOrigin() }));
    const got = collect(f);
    await once(f as unknown as Socket, 'connect');
    await eventually(() => got.some((e) => e.type === 'page_view'), 20_000, 'replayed history');
  });

  it('accepts the cookie on a same-origin request without Origin when the browser says Sec-Fetch-Site: same-origin', async () => {
    const f = track(feed(t.url, {}, { cookie, 'sec-fetch-site': 'same-origin' }));
    await once(f as unknown as Socket, 'connect');
  });

  it('accepts an API token from a program that sends no Origin', async () => {
    const f = track(feed(t.url, { token: alice.token }));
    await once(f as unknown as Socket, 'connect');
  });

  it('refuses a foreign Origin even with a valid API token (every namespace goes through the check)', async () => {
    const f = track(feed(t.url, { token: alice.token }, { origin: 'https://evil.example' }));
    assert.ok(await connectError(f as unknown as Socket));
    assert.equal(f.connected, false);
  });

  it('refuses a foreign Origin on the viewer namespace', async () => {
    const link = await createLink(t, alice.token, docId);
    const v = track(viewer(t.url, { token: link.token }, { origin: sibling() }));
    assert.ok(await connectError(v as unknown as Socket));
  });

  it('refuses a foreign Origin on the polling transport', async () => {
    const res = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: sibling(), cookie } });
    assert.equal(res.status, 403);
    await res.arrayBuffer();
    const own = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: ownOrigin() } });
    assert.equal(own.status, 200);
    await own.arrayBuffer();
  });

  it('refuses an Origin of "null" (sandboxed frames, files)', async () => {
    const f = track(feed(t.url, {}, { cookie, origin: 'null' }));
    assert.ok(await connectError(f as unknown as Socket));
  });
});

describe('feeds end with their credentials', () => {
  it("signing out disconnects the session's feed sockets, not others", async () => {
    const mine = await signIn();
    const f = track(feed(t.url, {}, { cookie: mine, origin: ownOrigin() }));
    const other = track(feed(t.url, { token: alice.token }));
    await Promise.all([once(f as unknown as Socket, 'connect'), once(other as unknown as Socket, 'connect')]);
    const gone = once(f as unknown as Socket, 'disconnect', 5000);
    await request(t.url).delete('/api/session').set('cookie', mine).expect(204);
    await gone;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(other.connected, true, 'a token feed stays');
  });

  it('a session that expires disconnects its feed', async () => {
    const mine = await signIn();
    const sid = decodeURIComponent(mine.split('=')[1]!);
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() + 1500).toISOString() })
      .where('id_hash', '=', hashSecret(sid))
      .execute();
    const f = track(feed(t.url, {}, { cookie: mine, origin: ownOrigin() }));
    await once(f as unknown as Socket, 'connect');
    await once(f as unknown as Socket, 'disconnect', 10_000);
  });

  it("lists API tokens, revokes one (its feed drops, it stops working) and answers 404 for another sender's", async () => {
    const created = await request(t.url).post('/api/tokens').set('authorization', `Bearer ${alice.token}`).expect(201);
    assert.match(created.body.token, /^pt_/);
    const list = await request(t.url).get('/api/tokens').set('authorization', `Bearer ${alice.token}`).expect(200);
    assert.ok(list.body.tokens.some((x: { id: string }) => x.id === created.body.id));
    assert.ok(
      list.body.tokens.every((x: Record<string, unknown>) => !('token' in x) && !('tokenHash' in x)),
      'no secrets listed',
    );
    const f = track(feed(t.url, { token: created.body.token }));
    await once(f as unknown as Socket, 'connect');
    const gone = once(f as unknown as Socket, 'disconnect', 5000);
    const bob = await t.sender();
    await request(t.url)
      .delete(`/api/tokens/${created.body.id}`)
      .set('authorization', `Bearer ${bob.token}`)
      .expect(404);
    await request(t.url)
      .delete(`/api/tokens/${created.body.id}`)
      .set('authorization', `Bearer ${alice.token}`)
      .expect(204);
    await gone;
    await request(t.url).get('/api/me').set('authorization', `Bearer ${created.body.token}`).expect(401);
    const again = track(feed(t.url, { token: created.body.token }));
    assert.equal((await connectError(again as unknown as Socket)).data?.code, 'unauthorized');
  });

  it('lists and revokes tokens from the CLI', async () => {
    // The CLI works on the app's own database (on PostgreSQL, the test app's own one).
    const env = { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: t.config.DATABASE_URL ?? '', LOG_LEVEL: 'silent' };
    const run = (...args: string[]) => promisify(execFile)(process.execPath, ['server/cli.ts', ...args], { env });
    const lastLine = (out: { stdout: string }) => JSON.parse(out.stdout.trim().split('\n').at(-1)!);
    const before = new Set(
      (lastLine(await run('sender', 'tokens', '--email', alice.email)).tokens as { id: string }[]).map((x) => x.id),
    );
    const token = lastLine(await run('sender', 'token', '--email', alice.email)).token as string;
    const listed = lastLine(await run('sender', 'tokens', '--email', alice.email)).tokens as { id: string }[];
    const added = listed.filter((x) => !before.has(x.id));
    assert.equal(added.length, 1, 'the new token is listed');
    const newest = added[0]!.id;
    await request(t.url).get('/api/me').set('authorization', `Bearer ${token}`).expect(200);
    assert.deepEqual(lastLine(await run('sender', 'revoke-token', '--email', alice.email, '--id', newest)), {
      revoked: newest,
    });
    await request(t.url).get('/api/me').set('authorization', `Bearer ${token}`).expect(401);
    await assert.rejects(run('sender', 'revoke-token', '--email', alice.email, '--id', newest), /No such token/);
  });
});
