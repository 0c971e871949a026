// Device type and machine detection measured on real user agents with known answers (device-detector's own
// fixtures, in the shared corpus): prints the figures and holds them to the goals.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { agentInfo, agentInfoAsync, classify } from '../../server/tracking/user-agent.ts';

const CASES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/ua/cases.jsonl');

interface Case {
  ua: string;
  deviceType: string | null;
  isBot: boolean;
  clientType: string | null;
}

/** The corpus's device types in Pagetrail's three classes; other kinds (TV, console, car…) are not scored. */
function expected(t: string | null): 'desktop' | 'mobile' | 'tablet' | null {
  if (t === 'desktop') return 'desktop';
  if (t === 'smartphone' || t === 'phablet' || t === 'feature phone') return 'mobile';
  return t === 'tablet' ? 'tablet' : null;
}

test('user agents from the corpus: device type, bots and people', {
  skip: !fs.existsSync(CASES) && `no corpus at ${CASES}`,
}, (t) => {
  const cases = fs
    .readFileSync(CASES, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Case);
  let scored = 0,
    right = 0,
    bots = 0,
    botsCaught = 0,
    people = 0,
    peopleFlagged = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const got = agentInfo(c.ua);
    if (c.isBot) {
      bots++;
      if (got.automated) botsCaught++;
      else misses.push(`bot not caught: ${c.ua}`);
      continue;
    }
    // device-detector calls HTTP libraries and headless browsers people; Pagetrail counts them as machines.
    if (c.clientType === 'library' || /headless/i.test(c.ua)) continue;
    people++;
    if (got.automated) peopleFlagged++;
    const want = expected(c.deviceType);
    if (!want) continue;
    scored++;
    if (got.device.type === want) right++;
    else misses.push(`${want} read as ${got.device.type}: ${c.ua}`);
  }
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  t.diagnostic(
    `device type right for ${right} of ${scored} desktop/phone/tablet agents (${pct(right, scored)}; goal >= 97%)`,
  );
  t.diagnostic(`bots marked automated: ${botsCaught} of ${bots} (${pct(botsCaught, bots)}; goal >= 95%)`);
  t.diagnostic(`people marked automated: ${peopleFlagged} of ${people} (${pct(peopleFlagged, people)}; goal <= 1%)`);
  for (const m of misses.slice(0, 10)) t.diagnostic(m);
  assert.ok(cases.length > 1000 && scored > 500 && bots > 500, 'the corpus is the one described in its README');
  assert.ok(right / scored >= 0.97, `device type accuracy ${pct(right, scored)}`);
  assert.ok(botsCaught / bots >= 0.95, `bots caught ${pct(botsCaught, bots)}`);
  assert.ok(peopleFlagged / people <= 0.01, `people flagged ${pct(peopleFlagged, people)}`);
});

test('mail and link machines that the corpus does not hold are automated; real browsers are not', () => {
  for (const ua of [
    'Mozilla/5.0', // Apple Mail Privacy Protection's prefetch
    'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
    'python-requests/2.31.0',
    'Go-http-client/1.1',
    'node-fetch/1.0',
    'curl/8.5.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
  ])
    assert.equal(agentInfo(ua).automated, true, ua);
  for (const ua of [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ])
    assert.equal(agentInfo(ua).automated, false, ua);
});

test('the worker thread gives the same answers, once per distinct agent', async () => {
  const uas = [
    'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ];
  const answers = await Promise.all(uas.flatMap((ua) => [agentInfoAsync(ua), agentInfoAsync(ua)]));
  uas.forEach((ua, i) => {
    assert.deepEqual(answers[2 * i], classify(ua), ua);
    assert.equal(answers[2 * i], answers[2 * i + 1], 'one answer shared by concurrent asks');
  });
  assert.equal((await agentInfoAsync(undefined)).automated, true);
});
