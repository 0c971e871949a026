// Sends a link's email-gate code through the configured upstream (SMTP_UPSTREAM_URL), as a short plain-text mail.
import nodemailer from 'nodemailer';

export interface CodeMail {
  from: string;
  to: string;
  code: string;
  documentName: string;
  validMinutes: number;
}

export interface CodeMailer {
  send(mail: CodeMail): Promise<void>;
  close(): void;
}

export function smtpCodeMailer(url: string): CodeMailer {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(m) {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: `Your code to open ${m.documentName}`,
        text:
          `Your code to open "${m.documentName}" is ${m.code}.\n\n` +
          `It is valid for ${m.validMinutes} minutes and works once. If you did not ask for it, ignore this mail.\n`,
      });
    },
    close() {
      transport.close();
    },
  };
}
