// Headless Chromium for the end-to-end tests, plus a watcher that records what a person would
// never see but should fail a test: uncaught errors, console errors and CSP violations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Screenshots land here (gitignored) so a person can look at them after a run. */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => Boolean(p && fs.existsSync(p)));
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('No Chromium found: install the chromium package or set CHROMIUM_PATH.');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Problems {
  /** Everything seen so far, as readable lines. */
  list(): string[];
}

/** Starts recording problems on `page`; CSP violations are caught in the page before any of its scripts run. */
export async function watchProblems(page: Page, opts: { ignore?: RegExp[] } = {}): Promise<Problems> {
  const seen: string[] = [];
  const ignored = (text: string) => (opts.ignore ?? []).some((re) => re.test(text));
  await page.exposeFunction('__reportCsp', (line: string) => seen.push(`csp: ${line}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp(line: string): void }).__reportCsp(
        `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} from ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page.on('pageerror', (err) => seen.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ignored(msg.text())) seen.push(`console: ${msg.text()}`);
  });
  return { list: () => seen.filter((line) => !ignored(line)) };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Opens the dashboard at `url` and signs in as `who` (the sign-in form, as a person would). */
export async function signIn(page: Page, url: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(url);
  await page.locator('#signin-email').fill(who.email);
  await page.locator('#signin-password').fill(who.password);
  await page.locator('#signin-password').press('Enter');
}
