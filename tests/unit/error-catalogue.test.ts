// The error catalogue is the one list of stable codes: the README lists each with its status, and every factory
// makes an error of the catalogue.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as errors from '../../server/errors.ts';
import { AppError, ERRORS, type ErrorCode } from '../../server/errors.ts';

const README = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');

/** code -> status as the README's error paragraph groups them: `NNN words (`code`, `code`; ...)`. */
function readmeCodes(): Map<string, number> {
  const start = README.indexOf('Errors are always');
  assert.ok(start >= 0, 'the README has its error paragraph');
  const paragraph = README.slice(start, README.indexOf('\n\n', start));
  const out = new Map<string, number>();
  for (const group of paragraph.matchAll(/\b([1-5]\d\d) [^(]*\(([^)]*)\)/g)) {
    for (const code of group[2]!.matchAll(/`([a-z]+(?:_[a-z]+)+|[a-z]+)`/g)) {
      assert.ok(!out.has(code[1]!), `${code[1]} is listed twice`);
      out.set(code[1]!, Number(group[1]));
    }
  }
  return out;
}

test('the README lists every code of the catalogue under its status, and no other', () => {
  const listed = readmeCodes();
  assert.ok(listed.size > 30, `only ${listed.size} codes read from the README`);
  const catalogue = new Map(Object.entries(ERRORS).map(([code, [status]]) => [code, status as number]));
  assert.deepEqual(
    [...listed.keys()].filter((c) => !catalogue.has(c)),
    [],
    'codes in the README but not in the catalogue',
  );
  assert.deepEqual(
    [...catalogue.keys()].filter((c) => !listed.has(c)),
    [],
    'codes in the catalogue but not in the README',
  );
  for (const [code, status] of listed) assert.equal(status, catalogue.get(code), `${code}: the README says ${status}`);
});

test('codes are snake_case and messages are sentences', () => {
  for (const [code, [status, message]] of Object.entries(ERRORS)) {
    assert.match(code, /^[a-z]+(_[a-z]+)*$/);
    assert.ok(status >= 400 && status < 600, `${code}: status ${status}`);
    assert.match(message, /^[A-Z].*\.$/, `${code}: "${message}"`);
  }
});

test('each factory makes an AppError of the catalogue, with its status unless it says otherwise', () => {
  const made: ErrorCode[] = [];
  const args: Record<string, unknown[]> = {
    requestRefused: [403],
    invalidPage: [9, 3],
    zipBomb: ['too many entries'],
    validationFailed: ['Invalid request: x.', []],
    notFound: ['Link'],
  };
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== 'function' || name === 'AppError' || name === 'isAppError') continue;
    const e = (value as (...a: unknown[]) => unknown)(...(args[name] ?? []));
    assert.ok(e instanceof AppError, `${name}() makes an AppError`);
    assert.equal(e.status, name === 'requestRefused' ? 403 : ERRORS[e.code][0], `${name}(): status`);
    made.push(e.code);
  }
  assert.deepEqual(
    Object.keys(ERRORS).filter((c) => !made.includes(c as ErrorCode)),
    [],
    'codes without a factory',
  );
  assert.equal(errors.invalidPage(9, 3).publicMessage, 'Page 9 is outside 1..3.');
  assert.deepEqual(errors.linkRevoked().toJSON(), {
    code: 'link_revoked',
    message: 'This link is no longer available.',
  });
});
