import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNonPublicAddress } from '../../server/public-address.ts';
import { deviceFrom, fastGeoIp, isAutomatedAgent } from '../../server/tracking/enrich.ts';

describe('device from user agent', () => {
  it('tells phones, tablets and desktops apart', () => {
    const iphone = deviceFrom(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    );
    assert.equal(iphone.type, 'mobile');
    assert.match(String(iphone.os), /iPhone|iOS/);
    assert.match(String(iphone.browser), /Safari/);
    const ipad = deviceFrom(
      'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
    );
    assert.equal(ipad.type, 'tablet');
    const mac = deviceFrom(
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    );
    assert.deepEqual(mac, { type: 'desktop', os: 'Mac 10', browser: 'Chrome 130' });
  });
  it('marks crawlers, link scanners and headless browsers as automated', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1)',
      'curl/8.0',
      'Mozilla/5.0 HeadlessChrome/130.0',
      undefined,
    ])
      assert.equal(isAutomatedAgent(ua), true, String(ua));
    assert.equal(
      isAutomatedAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      ),
      false,
    );
    assert.equal(deviceFrom('Mozilla/5.0 (compatible; bingbot/2.0)').type, 'bot');
  });
});

describe('place from address', () => {
  it('gives private and loopback addresses no place', async () => {
    for (const ip of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '192.168.0.9',
      '172.20.1.1',
      '::ffff:127.0.0.1',
      'fd00::1',
      'fe80::1',
    ]) {
      assert.equal(isNonPublicAddress(ip), true, ip);
      assert.equal(await fastGeoIp().lookup(ip), null);
    }
    assert.equal(isNonPublicAddress('8.8.8.8'), false);
  });
  it('finds the country of a public address offline', async () => {
    assert.equal((await fastGeoIp().lookup('8.8.8.8'))?.country, 'US');
    assert.equal((await fastGeoIp().lookup('::ffff:81.2.69.142'))?.country, 'GB');
  });
});
