// The dashboard's one router: every page's hash, links made for a page lead back to it, and unknown or malformed
// hashes fall back to the documents list instead of failing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  documentHref,
  messageHref,
  parseRoute,
  recipientHref,
  SECTIONS,
  sectionOf,
} from '../../viewer/dashboard/hooks/use-route.ts';

describe('dashboard routes', () => {
  it('names each page by its hash', () => {
    assert.deepEqual(parseRoute('#/documents/doc_1'), { page: 'document', id: 'doc_1' });
    assert.deepEqual(parseRoute('#/recipients'), { page: 'recipients' });
    assert.deepEqual(parseRoute('#/recipients/ana%40example.org'), { page: 'recipient', address: 'ana@example.org' });
    assert.deepEqual(parseRoute('#/sent'), { page: 'sent' });
    assert.deepEqual(parseRoute('#/sent/msg_9'), { page: 'message', id: 'msg_9' });
    assert.deepEqual(parseRoute('#/compose'), { page: 'compose' });
    assert.deepEqual(parseRoute('#/settings'), { page: 'settings' });
    assert.deepEqual(parseRoute('#/mailbox'), { page: 'mailbox' });
  });

  it('shows the documents list for the root, unknown and malformed hashes', () => {
    for (const hash of ['', '#', '#/', '#/nowhere', '#/documents', '#/documents/', '#/documents/a/b', '#/Sent'])
      assert.deepEqual(parseRoute(hash), { page: 'documents' }, hash);
    // A bad escape would throw in decodeURIComponent.
    assert.deepEqual(parseRoute('#/documents/%E0%A4%A'), { page: 'documents' });
    assert.deepEqual(parseRoute('#/recipients/%'), { page: 'documents' });
  });

  it('builds links that parse back to the same page, whatever the id holds', () => {
    for (const id of ['doc_1', 'a/b', 'x y#z', '%41', 'Ünïcode'])
      assert.deepEqual(parseRoute(documentHref(id)), { page: 'document', id });
    assert.deepEqual(parseRoute(messageHref('m/1')), { page: 'message', id: 'm/1' });
    assert.deepEqual(parseRoute(recipientHref("o'brien+x@example.org")), {
      page: 'recipient',
      address: "o'brien+x@example.org",
    });
  });

  it('marks the section each page belongs to, with nav links that lead there', () => {
    assert.equal(sectionOf(parseRoute('#/documents/d')), 'documents');
    assert.equal(sectionOf(parseRoute('#/recipients/r%40x.org')), 'recipients');
    assert.equal(sectionOf(parseRoute('#/sent/m')), 'sent');
    assert.equal(sectionOf(parseRoute('#/settings')), 'settings');
    for (const s of SECTIONS) assert.equal(sectionOf(parseRoute(s.href)), s.page, s.href);
  });
});
