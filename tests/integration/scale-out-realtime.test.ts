// Two web processes sharing one database and one Redis: a feed on A sees what a reader on B does, in order and
// without gaps; revocations on A reach B's sockets; presence of B's readers is seen on A and expires when B dies;
// rate limits and wrong passcodes count both instances' requests together.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { ActivityEvent, Presence } from '../../server/realtime/protocol.ts';
import { Deployment, type Instance } from '../helpers/instances.ts';
import { makePdf } from '../helpers/pdf.ts';
import { collect, feed, once, pageView, started, viewer } from '../helpers/sockets.ts';
import { eventually } from '../helpers/wait.ts';

let d: Deployment;
let a: Instance;
let b: Instance;
let alice: Awaited<ReturnType<Deployment['sender']>>;
let docId: string;
const sockets: Socket[] = [];
const track = <T>(s: T) => (sockets.push(s as unknown as Socket), s);

const api = (inst: Instance, p: string, init: RequestInit = {}) =>
  fetch(`${inst.url}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', ...init.headers },
  });

async function newLink(inst: Instance): Promise<{ id: string; token: string }> {
  const res = await api(inst, `/api/documents/${docId}/links`, {
    method: 'POST',
    body: '{"recipient":"r@example.org"}',
  });
  assert.equal(res.status, 201);
  const link = (await res.json()) as { id: string; url: string };
  return { id: link.id, token: link.url.split('/v/')[1]! };
}

before(async () => {
  d = await Deployment.create({
    CONVERTER: 'libreoffice-convert',
    PRESENCE_TTL_MS: '3000',
    SIGNIN_ATTEMPTS_PER_MINUTE: '4',
    ACCESS_PASSCODE_ATTEMPTS: '3',
    VIEWER_EVENTS_PER_10S: '10000',
  });
  [a, b] = [await d.web(), await d.web()];
  alice = await d.sender();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(makePdf(3))]), 'Plan.pdf');
  const up = await fetch(`${a.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}` },
    body: form,
  });
  assert.equal(up.status, 202, await up.clone().text());
  docId = ((await up.json()) as { id: string }).id;
  await eventually(
    async () => ((await (await api(b, `/api/documents/${docId}`)).json()) as { status: string }).status === 'ready',
    60_000,
    'the PDF to be ready',
  );
});

after(async () => {
  for (const s of sockets) s.close();
  await d?.close();
});

it('a feed on A receives the page events of a reader on B, in order, with gap-free seq', async () => {
  const f = track(feed(a.url, { token: alice.token }));
  const got = collect(f);
  const updates: Presence[] = [];
  (f as unknown as Socket).on('presence:update', (p: Presence) => updates.push(p));
  await once(f as unknown as Socket, 'presence:snapshot');
  const v = track(viewer(b.url, { token: (await newLink(a)).token }));
  const visit = await started(v);
  for (let i = 0; i < 20; i++) {
    const r = await pageView(v, { id: crypto.randomUUID(), page: 1 + (i % 3), durationMs: i ? 100 : 0 });
    assert.ok('data' in r, JSON.stringify(r));
  }
  await eventually(() => got.filter((e) => e.visitId === visit.visitId).length >= 21, 30_000, "B's 21 events on A");
  const seqs = got.map((e: ActivityEvent) => e.seq);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `seq after ${seqs[i - 1]}`);
  assert.deepEqual(
    got.map((e) => e.type),
    ['open', ...Array(20).fill('page_view')],
  );
  await eventually(() => updates.some((p) => p.visitId === visit.visitId), 20_000, "B's reader in A's presence");
});

it('events stored on both instances at once reach a feed in seq order, none missed, none twice', async () => {
  const f = track(feed(a.url, { token: alice.token }));
  const got = collect(f);
  await once(f as unknown as Socket, 'presence:snapshot');
  const readers = [
    track(viewer(a.url, { token: (await newLink(a)).token })),
    track(viewer(b.url, { token: (await newLink(a)).token })),
  ];
  const visits = await Promise.all(readers.map((v) => started(v)));
  // Both instances write at the same time, so their events interleave in seq and cross on the way to A.
  await Promise.all(
    readers.map(async (v) => {
      for (let i = 0; i < 40; i++) await pageView(v, { id: crypto.randomUUID(), page: 1, durationMs: 0 });
    }),
  );
  const ours = () => got.filter((e) => visits.some((x) => x.visitId === e.visitId));
  await eventually(() => ours().length >= 82, 30_000, '82 events from both instances on A');
  const seqs = got.map((e) => e.seq);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `seq after ${seqs[i - 1]}`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(ours().length, 82, 'nothing twice');
});

it('revoking a link on A disconnects its reader on B; revoking a token on A closes its feed on B', async () => {
  const link = await newLink(a);
  const v = track(viewer(b.url, { token: link.token }));
  await started(v);
  const revoked = once(v as unknown as Socket, 'link:revoked');
  const dropped = once(v as unknown as Socket, 'disconnect');
  assert.equal((await api(a, `/api/links/${link.id}`, { method: 'DELETE' })).status, 204);
  await revoked;
  await dropped;

  const made = await api(a, '/api/tokens', { method: 'POST', body: '{}' });
  assert.equal(made.status, 201, await made.clone().text());
  const second = (await made.json()) as { id: string; token: string };
  const f = track(feed(b.url, { token: second.token }));
  await once(f as unknown as Socket, 'presence:snapshot');
  const closed = once(f as unknown as Socket, 'disconnect');
  assert.equal((await api(a, `/api/tokens/${second.id}`, { method: 'DELETE' })).status, 204);
  await closed;
});

it('sign-in attempts are counted across instances together', async () => {
  const codes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`${(i % 2 ? b : a).url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: alice.email, password: 'wrong password' }),
    });
    codes.push(res.status);
  }
  // Four per minute per address: alone each instance would have allowed three of these six (all 401).
  assert.deepEqual(codes, [401, 401, 401, 401, 429, 429]);
});

it('wrong passcodes on a link are counted across instances together', async () => {
  const res = await api(a, `/api/documents/${docId}/links`, {
    method: 'POST',
    body: JSON.stringify({ recipient: 'p@example.org', passcode: 'open sesame' }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const token = ((await res.json()) as { url: string }).url.split('/v/')[1]!;
  const tries: number[] = [];
  for (let i = 0; i < 4; i++) {
    const answer = await fetch(`${(i % 2 ? b : a).url}/v/${token}/access/passcode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ passcode: i < 3 ? `guess ${i}` : 'open sesame' }),
      redirect: 'manual',
    });
    tries.push(answer.status);
  }
  // Three wrong tries per address: the third blocks (429), and then even the right passcode waits, on either
  // instance. Alone, each would have seen at most two wrong tries and let the right one in (303).
  assert.deepEqual(tries, [403, 403, 429, 429]);
});

it('a reader on B is listed on A, and gone once B died and its entry expired', async () => {
  const v = track(viewer(b.url, { token: (await newLink(a)).token }));
  const visit = await started(v);
  const listed = async () => {
    const f = track(feed(a.url, { token: alice.token }));
    const snap = await once<Presence[]>(f as unknown as Socket, 'presence:snapshot');
    return { f, ids: snap.map((p) => p.visitId) };
  };
  const first = await listed();
  assert.ok(first.ids.includes(visit.visitId), `${visit.visitId} in ${first.ids}`);
  const leaves: string[] = [];
  (first.f as unknown as Socket).on('presence:leave', (id: string) => leaves.push(id));
  await b.kill();
  await eventually(() => leaves.includes(visit.visitId), 30_000, "A's feed to hear the dead instance's reader leave");
  assert.ok(!(await listed()).ids.includes(visit.visitId), 'the dead instance reader is no longer listed');
});
