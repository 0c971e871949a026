// Dashboard sign-in: the session cookie, its CSRF guard, sign-out; and the operator CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makePdf } from '../helpers/pdf.ts';
import { startApp, type TestApp, type TestSender } from '../helpers/app.ts';

let t: TestApp;
let alice: TestSender;

before(async () => {
  t = await startApp();
  alice = await t.sender('alice@example.org');
});
after(async () => t.close());

describe('session', () => {
  it('signs in with email and password and sets an HttpOnly, SameSite cookie', async () => {
    const res = await request(t.url)
      .post('/api/session')
      .send({ email: 'Alice@Example.org', password: alice.password })
      .expect(200);
    assert.equal(res.body.sender.email, 'alice@example.org');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /pt_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const a = await request(t.url)
      .post('/api/session')
      .send({ email: 'alice@example.org', password: 'wrong password' })
      .expect(401);
    const b = await request(t.url)
      .post('/api/session')
      .send({ email: 'nobody@example.org', password: 'wrong password' })
      .expect(401);
    assert.deepEqual(a.body, b.body);
    assert.equal(a.body.error.code, 'invalid_credentials');
    await request(t.url).post('/api/session').send({ email: 'x' }).expect(422);
    const notJson = await request(t.url)
      .post('/api/session')
      .set('content-type', 'text/plain')
      .send('email=a&password=b')
      .expect(415);
    assert.equal(notJson.body.error.code, 'json_required');
  });

  it('lets the cookie read and, with the CSRF header, change; signs out', async () => {
    const agent = request.agent(t.url);
    await agent.post('/api/session').send({ email: 'alice@example.org', password: alice.password }).expect(200);
    assert.equal((await agent.get('/api/me').expect(200)).body.email, 'alice@example.org');
    await agent.get('/api/documents').expect(200);
    const refused = await agent.post('/api/documents').attach('file', makePdf(1), 'a.pdf').expect(403);
    assert.equal(refused.body.error.code, 'csrf_check_failed');
    await agent
      .post('/api/documents')
      .set('x-requested-with', 'pagetrail')
      .attach('file', makePdf(1), 'a.pdf')
      .expect(202);
    await agent.delete('/api/session').expect(204);
    await agent.get('/api/me').expect(401);
  });

  it('serves the dashboard shell at / under the CSP', async () => {
    const res = await request(t.url).get('/').expect(200);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.match(res.text, /dashboard\.js/);
  });
});

describe('cli', () => {
  const run = promisify(execFile);
  it('creates a sender and prints JSON with id, email and token on the last line; the token works', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-'));
    // The CLI and the server after it share DATA_DIR's database: the embedded one, whatever the environment says.
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const { stdout } = await run(
      process.execPath,
      ['server/cli.ts', 'sender', 'create', '--email', 'cli@example.org', '--password', 'long enough pw'],
      { env },
    );
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(last.email, 'cli@example.org');
    assert.match(last.id, /^snd_/);
    assert.match(last.token, /^pt_[A-Za-z0-9_-]{43}$/);
    const again = await run(
      process.execPath,
      ['server/cli.ts', 'sender', 'create', '--email', 'cli@example.org', '--password', 'long enough pw'],
      { env },
    ).catch((e) => e);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    // The printed token authenticates against a server on the same DATA_DIR.
    const other = await startApp({ DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      await request(other.url).get('/api/documents').set('authorization', `Bearer ${last.token}`).expect(200);
    } finally {
      await other.close();
    }
  });
});

describe('password guessing', () => {
  it('limits sign-in attempts per address (429), even for the right password', async () => {
    const limited = await startApp({ SIGNIN_ATTEMPTS_PER_MINUTE: '3' });
    try {
      const s = await limited.sender('guess@example.org');
      for (let i = 0; i < 3; i++)
        await request(limited.url)
          .post('/api/session')
          .send({ email: s.email, password: `wrong ${i}` })
          .expect(401);
      const res = await request(limited.url)
        .post('/api/session')
        .send({ email: s.email, password: s.password })
        .expect(429);
      assert.equal(res.body.error.code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });
});
