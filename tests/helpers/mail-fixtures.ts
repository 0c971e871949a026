// The message of the main email tests: two To, one Cc, one Bcc, a DOCX, a PDF, a PNG and an inline cid: image.
import fs from 'node:fs/promises';
import type Mail from 'nodemailer/lib/mailer';
import { fixture } from './fixtures.ts';
import { makePdf } from './pdf.ts';
import { png } from './zip.ts';

export const TO = ['ana@example.org', 'ben@example.org'];
export const CC = ['cara@example.org'];
export const BCC = ['dan@example.org'];
export const ALL = [...TO, ...CC, ...BCC];

export const PNG = png(32, 32, [20, 120, 200]);
export const LOGO = png(16, 16, [200, 60, 20]);

export async function fullMessage(overrides: Partial<Mail.Options> = {}): Promise<Mail.Options> {
  return {
    to: TO,
    cc: CC,
    bcc: BCC,
    subject: 'Proposal and figures',
    text: 'Hello,\n\nplease find the proposal attached.\n',
    html: '<html><body><p>Hello,</p><p>please find the proposal attached.</p><p><img src="cid:logo@pagetrail.test" alt="logo"></p></body></html>',
    messageId: `<main-${Date.now()}-${Math.random().toString(36).slice(2)}@client.example>`,
    attachments: [
      { filename: 'Proposal.docx', content: await fs.readFile(await fixture('docx', 2)) },
      { filename: 'Figures.pdf', content: makePdf(3) },
      { filename: 'chart.png', content: PNG, contentType: 'image/png' },
      { filename: 'logo.png', content: LOGO, cid: 'logo@pagetrail.test', contentType: 'image/png' },
    ],
    ...overrides,
  };
}
