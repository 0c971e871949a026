// The relay's transport security and per-sender limits: STARTTLS and the implicit-TLS port with a certificate,
// AUTH over plaintext refused where it is not allowed, and the hourly message limit answered with 451.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { TestSender } from '../helpers/app.ts';
import { send, startMailRig, type MailRig } from '../helpers/mail.ts';
import { dialog } from '../helpers/smtp-dialog.ts';

const run = promisify(execFile);
const MAIL = { to: 'ana@example.org', subject: 'Over TLS', text: 'Hello' };

describe('SMTP relay over TLS', () => {
  let rig: MailRig;
  let s: TestSender;
  let dir: string;
  let tlsPort: number;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { timeout: 60_000 },
    );
    rig = await startMailRig({ SMTP_TLS_CERT: cert, SMTP_TLS_KEY: key, SMTP_RELAY_TLS_PORT: '0' });
    tlsPort = rig.tlsPort!;
    s = await rig.t.sender();
  });
  after(async () => {
    await rig.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('offers STARTTLS and relays over it', async () => {
    const d = dialog(rig.smtpPort);
    await d.greeting;
    assert.match((await d.command('EHLO client.example')).text, /STARTTLS/);
    d.close();
    const c = nodemailer.createTransport({
      host: '127.0.0.1',
      port: rig.smtpPort,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: s.email, pass: s.token },
    });
    const info = await c.sendMail({ from: s.email, ...MAIL });
    c.close();
    assert.match(info.response, /^250 /);
  });

  it('relays on the implicit-TLS port', async () => {
    const c = nodemailer.createTransport({
      host: '127.0.0.1',
      port: tlsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: s.email, pass: s.token },
    });
    const info = await c.sendMail({ from: s.email, ...MAIL });
    c.close();
    assert.match(info.response, /^250 /);
  });
});

describe('SMTP relay: plaintext AUTH and limits', () => {
  let rig: MailRig;
  let s: TestSender;
  before(async () => {
    rig = await startMailRig({ MAIL_MESSAGES_PER_HOUR: '2' });
    s = await rig.t.sender();
  });
  after(() => rig.close());

  it('allows AUTH in clear from loopback', async () => {
    const d = dialog(rig.smtpPort);
    await d.greeting;
    await d.command('EHLO client.example');
    assert.equal(
      (await d.command(`AUTH PLAIN ${Buffer.from(`\u0000${s.email}\u0000${s.token}`).toString('base64')}`)).code,
      235,
    );
    d.close();
  });

  it('answers 451 once a sender passes MAIL_MESSAGES_PER_HOUR, and sends nothing more', async () => {
    await send(rig, s, MAIL);
    await send(rig, s, MAIL);
    const err = await send(rig, s, MAIL).then(
      () => null,
      (e: { responseCode?: number; response?: string }) => e,
    );
    assert.equal(err?.responseCode, 451);
    assert.match(err?.response ?? '', /MAIL_MESSAGES_PER_HOUR/);
    assert.equal(rig.sink.received.length, 2);
  });
});
