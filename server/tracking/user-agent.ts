// Who the user agent says it is: device type, OS and browser from device-detector's rules (Matomo's, ported), and
// whether it is a machine (isbot's list, device-detector's bots, HTTP libraries and headless browsers).
import { isbot } from 'isbot';
import detectorModule from 'node-device-detector';
import { Worker } from 'node:worker_threads';
import type { DeviceInfo } from '../domain-types.ts';

export interface AgentInfo {
  device: DeviceInfo;
  automated: boolean;
}

/** What neither list calls a bot but no person reads with: HTTP libraries, headless and scripted browsers. */
const SCRIPTED =
  /headless|phantomjs|puppeteer|playwright|selenium|webdriver|electron\/.* (?:bot|crawler)|^(?:curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|java|okhttp|apache-httpclient|node-fetch|axios|undici|got|libwww-perl|ruby|php)\b/i;

// A CommonJS package whose types declare an ES default export: at run time the default import is the class itself.
const DeviceDetector = ((detectorModule as unknown as { default?: unknown }).default ??
  detectorModule) as unknown as typeof detectorModule.default;
type DeviceDetector = InstanceType<typeof DeviceDetector>;

const MOBILE = new Set(['smartphone', 'phablet', 'feature phone']);
const CACHE_MAX = 5000;

let detector: DeviceDetector | null = null;
const cache = new Map<string, AgentInfo>();

function major(name: string | undefined, version: string | undefined): string | null {
  return name ? `${name}${version ? ` ${version.split('.')[0]}` : ''}` : null;
}

/** The classification itself, with no cache (the worker thread runs this). */
export function classify(ua: string): AgentInfo {
  detector ??= new DeviceDetector({
    deviceIndexes: true,
    clientIndexes: true,
    osIndexes: true,
    maxUserAgentSize: 1024,
  });
  const r = detector.detect(ua);
  // isbot's list is broad: it also flags odd but real clients (feed readers, old WAP browsers, apps) that
  // device-detector knows by name; there, device-detector's own bot rules (the slow part, so only then) decide.
  const automated = SCRIPTED.test(ua) || (isbot(ua) && (!r.client?.name || Boolean(detector.parseBot(ua)?.name)));
  const t = r.device?.type ?? '';
  const type: DeviceInfo['type'] = automated
    ? 'bot'
    : MOBILE.has(t)
      ? 'mobile'
      : t === 'tablet'
        ? 'tablet'
        : t === 'desktop' || (!t && isDesktopOs(r.os?.family ?? r.os?.name))
          ? 'desktop'
          : 'other';
  const model =
    r.device?.brand === 'Apple' && (type === 'mobile' || type === 'tablet') && r.device.model ? r.device.model : null;
  return {
    automated,
    device: { type, os: model ?? major(r.os?.name, r.os?.version), browser: major(r.client?.name, r.client?.version) },
  };
}

function isDesktopOs(family: string | undefined): boolean {
  return !!family && /^(?:Windows|Mac|GNU\/Linux|Linux|Chrome OS|Unix|BSD)/.test(family);
}

const NONE: AgentInfo = { automated: true, device: { type: 'bot', os: null, browser: null } };

function remember(ua: string, info: AgentInfo): AgentInfo {
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(ua, info);
  return info;
}

/**
 * Classifies a user agent in this thread; cached by the exact string. A new agent costs tens of milliseconds of
 * regular expressions, so the service asks agentInfoAsync (a worker thread) instead.
 */
export function agentInfo(ua: string | undefined): AgentInfo {
  if (!ua || !ua.trim()) return NONE;
  return cache.get(ua) ?? remember(ua, classify(ua.slice(0, 1024)));
}

let worker: Worker | null = null;
const pending = new Map<number, { ua: string; resolve: (i: AgentInfo) => void }>();
const inflight = new Map<string, Promise<AgentInfo>>();
let nextId = 0;

function startWorker(): Worker {
  const w = new Worker(new URL('./user-agent.worker.ts', import.meta.url));
  w.on('message', (m: { id: number; info: AgentInfo }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (!pending.size) w.unref();
    p?.resolve(remember(p.ua, m.info));
  });
  // A worker that fails leaves its callers answered here, in this thread; the next call starts a new one.
  const fail = () => {
    if (worker === w) worker = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.resolve(agentInfo(p.ua));
    }
  };
  w.on('error', fail);
  w.on('exit', fail);
  return w;
}

/** agentInfo off the event loop: new agents are classified by a worker thread, one request per distinct agent. */
export function agentInfoAsync(ua: string | undefined): Promise<AgentInfo> {
  if (!ua || !ua.trim()) return Promise.resolve(NONE);
  const hit = cache.get(ua);
  if (hit) return Promise.resolve(hit);
  let p = inflight.get(ua);
  if (!p) {
    p = new Promise<AgentInfo>((resolve) => {
      const id = ++nextId;
      pending.set(id, { ua, resolve });
      worker ??= startWorker();
      worker.ref(); // held open while an answer is owed, let go when idle
      worker.postMessage({ id, ua: ua.slice(0, 1024) });
    }).finally(() => inflight.delete(ua));
    inflight.set(ua, p);
  }
  return p;
}
