// Section 4: the installed versions of the parsers facing untrusted input are at or above the releases that fixed
// their known vulnerabilities, and package.json does not allow older ones.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';

// Floors set by the security review; each is past published advisories of its package.
const FLOORS: Record<string, string> = {
  // Font parsing that could run script (CVE-2024-4367, fixed in 4.2.67) among others.
  'pdfjs-dist': '6.2.108',
  // The 2025 advisories on malformed or aborted multipart bodies (crashes, leaked descriptors).
  multer: '2.2.0',
  // An unhandled 'error' event from a crafted packet crashed the server (CVE-2024-38355, fixed in 4.6.2).
  'socket.io': '4.6.2',
};

const require = createRequire(import.meta.url);
const parse = (v: string) => v.split(/[.+-]/).slice(0, 3).map(Number);
function atLeast(version: string, floor: string): boolean {
  const [a, b] = [parse(version), parse(floor)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

describe('dependency floors', () => {
  const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name} >= ${floor}, installed and required`, () => {
      const installed = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version as string;
      assert.ok(atLeast(installed, floor), `installed ${name} ${installed} is below ${floor}`);
      const range = manifest.dependencies[name];
      assert.ok(range, `${name} is a dependency`);
      const lowest = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range)?.[1];
      assert.ok(lowest, `${name}'s range "${range}" has a plain lower bound`);
      assert.ok(atLeast(lowest, floor), `package.json allows ${name} ${lowest}, below ${floor}`);
    });
  }

  // CVE-2023-32695: a crafted packet threw in the parser (fixed in socket.io-parser 4.2.3).
  it('the socket.io parser actually installed has the fix', () => {
    // The package does not export its package.json: find it beside the entry point socket.io loads.
    const entry = createRequire(require.resolve('socket.io')).resolve('socket.io-parser');
    const root = entry.slice(
      0,
      entry.lastIndexOf(`${path.sep}socket.io-parser${path.sep}`) + '/socket.io-parser'.length,
    );
    const parser = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
    assert.ok(atLeast(parser, '4.2.3'), `socket.io-parser ${parser}`);
  });

  // The mail path parses hostile input too. Every copy the lockfile installs, nested ones included (mailparser and
  // smtp-server carry their own nodemailer), is past the advisories reviewed for it.
  const ADVISED: Record<string, { floor: string; why: string }> = {
    // GHSA-p6gq-j5cr-w38f (raw option reads files, fixed 9.0.1), GHSA-cc9r-2j5m-2m83 (recipient domain through an
    // RFC 5322 comment, through 9.1.0), GHSA-268h-hp4c-crq3 (CRLF in List-* comments, fixed 8.0.9).
    nodemailer: { floor: '10.0.0', why: 'file read, header injection and recipient-domain advisories' },
    // GHSA-fv2f-rw9f-v9cm, fixed in 3.18.3.
    'smtp-server': { floor: '3.18.3', why: 'GHSA-fv2f-rw9f-v9cm' },
    // GHSA-22p9-wv53-3rq4 and GHSA-v245-v573-v5vm: quadratic scans of attacker text (mailparser links text bodies).
    'linkify-it': { floor: '5.0.2', why: 'quadratic-time link scanning' },
    'socket.io-parser': { floor: '4.2.3', why: 'CVE-2023-32695' },
  };
  it('every installed copy of a mail or socket parser is past its advisories (package-lock.json)', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve('package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean }>;
    };
    const seen = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      const name = where.split('node_modules/').pop() ?? '';
      const rule = ADVISED[name];
      if (!rule || entry.dev || !entry.version) continue;
      seen.add(name);
      assert.ok(atLeast(entry.version, rule.floor), `${where} ${entry.version} < ${rule.floor} (${rule.why})`);
    }
    assert.deepEqual([...seen].sort(), Object.keys(ADVISED).sort(), 'each reviewed package is in the lockfile');
  });

  it('the comparison itself orders versions numerically', () => {
    assert.ok(atLeast('6.10.0', '6.2.108'));
    assert.ok(!atLeast('6.2.99', '6.2.108'));
    assert.ok(!atLeast('2.1.9', '2.2.0'));
  });
});
