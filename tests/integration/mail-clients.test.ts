// Other SMTP clients than nodemailer: Python's smtplib (AUTH LOGIN, then PLAIN) and swaks, each with an attachment
// that must arrive as a link, and the same refusal of a wrong password.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestSender } from '../helpers/app.ts';
import { linkTokens, parse, startMailRig, type MailRig } from '../helpers/mail.ts';
import { makePdf } from '../helpers/pdf.ts';

const run = promisify(execFile);

const PY = `
import smtplib, sys
from email.message import EmailMessage
port, user, password, mech, to, pdf = sys.argv[1:7]
m = EmailMessage()
m['From'] = user
m['To'] = to
m['Subject'] = 'From smtplib'
m.set_content('Hello from Python.')
m.add_alternative('<p>Hello from <b>Python</b>.</p>', subtype='html')
m.add_attachment(open(pdf, 'rb').read(), maintype='application', subtype='pdf', filename='Report.pdf')
s = smtplib.SMTP('127.0.0.1', int(port), timeout=60)
s.ehlo()
try:
    if mech == 'LOGIN':
        s.user, s.password = user, password
        s.auth('LOGIN', s.auth_login)
    else:
        s.login(user, password)
    s.send_message(m)
    print('OK')
except smtplib.SMTPAuthenticationError as e:
    print('AUTH', e.smtp_code)
finally:
    s.quit()
`;

describe('other SMTP clients', () => {
  let rig: MailRig;
  let s: TestSender;
  let dir: string;
  let pdf: string;
  before(async () => {
    rig = await startMailRig();
    s = await rig.t.sender();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-clients-'));
    pdf = path.join(dir, 'Report.pdf');
    await fs.writeFile(pdf, makePdf(2));
  });
  after(async () => {
    await rig.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function arrivedAsLink(to: string) {
    const copy = rig.sink.received.find((r) => r.to[0] === to);
    assert.ok(copy, `a copy for ${to} reached the upstream`);
    const parsed = await parse(copy.raw);
    assert.equal(parsed.attachments.length, 0, 'the PDF became a link');
    assert.equal(linkTokens(rig, String(parsed.html)).length, 1);
    assert.equal(linkTokens(rig, parsed.text ?? '').length, 1);
  }

  for (const mech of ['LOGIN', 'PLAIN']) {
    it(`Python smtplib with AUTH ${mech}`, async () => {
      const to = `py-${mech.toLowerCase()}@example.org`;
      const { stdout } = await run('python3', ['-c', PY, String(rig.smtpPort), s.email, s.token, mech, to, pdf], {
        timeout: 120_000,
      });
      assert.equal(stdout.trim(), 'OK');
      await arrivedAsLink(to);
    });
  }

  it('Python smtplib with a wrong token is refused with 535', async () => {
    const { stdout } = await run(
      'python3',
      ['-c', PY, String(rig.smtpPort), s.email, 'pt_wrong', 'PLAIN', 'nobody@example.org', pdf],
      { timeout: 120_000 },
    );
    assert.equal(stdout.trim(), 'AUTH 535');
  });

  it('swaks with AUTH LOGIN and an attachment', async () => {
    const to = 'swaks@example.org';
    const { stdout } = await run(
      'swaks',
      [
        '--server',
        `127.0.0.1:${rig.smtpPort}`,
        '--auth',
        'LOGIN',
        '--auth-user',
        s.email,
        '--auth-password',
        s.token,
        '--from',
        s.email,
        '--to',
        to,
        '--header',
        'Subject: From swaks',
        '--body',
        'Hello from swaks.',
        '--attach-type',
        'application/pdf',
        '--attach-name',
        'Report.pdf',
        '--attach',
        `@${pdf}`,
        '--timeout',
        '60',
      ],
      { timeout: 120_000 },
    );
    assert.match(stdout, /<-\s+250 2\.0\.0 Accepted/);
    const copy = rig.sink.received.find((r) => r.to[0] === to);
    assert.ok(copy, 'the swaks message reached the upstream');
    const parsed = await parse(copy.raw);
    assert.equal(parsed.attachments.length, 0, 'the PDF became a link');
    assert.equal(linkTokens(rig, parsed.text ?? '').length, 1, 'a text-only message gets the link as lines');
    assert.ok(!parsed.html, 'a message with no HTML part stays text-only');
    assert.doesNotMatch(copy.raw, /text\/html/i);
  });

  it('swaks with a wrong token is refused with 535', async () => {
    const out = await run(
      'swaks',
      [
        '--server',
        `127.0.0.1:${rig.smtpPort}`,
        '--auth',
        'PLAIN',
        '--auth-user',
        s.email,
        '--auth-password',
        'pt_wrong',
        '--from',
        s.email,
        '--to',
        'x@example.org',
        '--timeout',
        '30',
      ],
      { timeout: 60_000 },
    ).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    assert.match(out, /<\*\* 535 /);
  });
});
