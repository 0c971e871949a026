// A bare SMTP conversation over a socket, for what a library client will not do (RCPT without AUTH, garbage).
import net from 'node:net';

export interface Dialog {
  /** Sends one command line and resolves the reply's code and text (multi-line replies joined). */
  command(line: string): Promise<{ code: number; text: string }>;
  greeting: Promise<{ code: number; text: string }>;
  close(): void;
}

export function dialog(port: number, timeoutMs = 15_000): Dialog {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiters: ((r: { code: number; text: string }) => void)[] = [];
  const lines: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      lines.push(line);
      if (/^\d{3} /.test(line)) {
        const text = lines.splice(0).join('\n');
        waiters.shift()?.({ code: Number(line.slice(0, 3)), text });
      }
    }
  });
  const next = () =>
    new Promise<{ code: number; text: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply within ${timeoutMs} ms`)), timeoutMs);
      waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  const greeting = next();
  return {
    greeting,
    command(line) {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
    close() {
      socket.destroy();
    },
  };
}
