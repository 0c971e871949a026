// An HTTP server on 127.0.0.1 (random port) that records every request: if a converted document makes
// LibreOffice fetch anything, it shows up here. Serves a real PNG so a fetch would also be visible in the PDF.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IMAGE } from './documents.ts';

export interface Canary {
  url(p: string): string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'image/png' }).end(IMAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
