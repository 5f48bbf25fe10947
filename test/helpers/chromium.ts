// One way to start Debian's headless Chromium for the browser tests (the issuer's login page, the
// probe's HTML report). A fresh profile per launch, flags that keep a CI container's Chromium from
// stalling (no /dev/shm use: containers give it 64 MiB; no GPU, sync or background fetches), and
// bounded waits: every Playwright action gives up after ACTION_TIMEOUT_MS with an error naming the
// action, so a stuck step fails as itself instead of as an anonymous vitest timeout.
import { existsSync, rmSync } from 'node:fs';
import type { BrowserContext, LaunchOptions } from 'playwright-core';
import { tempDir } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `${CHROMIUM} is not installed; apt-get install -y chromium`;

/** Per Playwright action (click, fill, navigation); far above what a loaded 2-core runner needs. */
const ACTION_TIMEOUT_MS = 20_000;
/** Vitest timeout for a test that launches Chromium: launch + a dozen actions on a loaded runner. */
export const BROWSER_TEST_TIMEOUT_MS = 120_000;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function withChromium<T>(
  fn: (browser: BrowserContext) => Promise<T>,
  options: { bypassCSP?: boolean } = {},
): Promise<T> {
  const { chromium } = await import('playwright-core');
  const profile = tempDir('authctl-chromium-');
  const launch: LaunchOptions = { executablePath: CHROMIUM, headless: true, args: ARGS };
  // A persistent context is how playwright passes a fresh --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    ...launch,
    timeout: ACTION_TIMEOUT_MS * 3,
    bypassCSP: options.bypassCSP ?? false,
  });
  browser.setDefaultTimeout(ACTION_TIMEOUT_MS);
  browser.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
