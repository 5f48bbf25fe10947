// The probe's HTML report in a real headless Chromium: it renders with no request at all (one
// self-contained file), fits 1280 and 375 px wide (screenshots kept in the temp dir), every finding
// expands to its request, response and curl, and axe-core finds no accessibility violation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { BROWSER_TEST_TIMEOUT_MS, hasChromium, withChromium } from '../helpers/chromium.js';

const REPORT = path.join(ROOT, 'test', 'fixtures', 'reports', 'probe.html');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string;
  nodes: Array<{ target: string[] }>;
}

describe.skipIf(!hasChromium)('probe --html in Chromium', () => {
  it.each([1280, 375])(
    'at %i px: no request but the file, nothing wider than the window, findings expand, no axe violation',
    async (width) => {
      // The report forbids scripts (CSP); axe is injected by the test only.
      await withChromium(
        async (browser) => {
          const page = await browser.newPage();
          await page.setViewportSize({ width, height: 900 });
          const requests: string[] = [];
          page.on('request', (r) => requests.push(r.url()));
          await page.goto(`file://${REPORT}`);
          expect(requests).toEqual([`file://${REPORT}`]);
          // Wide content (curl lines, the matrix) scrolls inside its box; the page itself never does.
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth),
          ).toBeLessThanOrEqual(width);
          const findings = page.locator('details');
          expect(await findings.count()).toBeGreaterThan(5);
          const first = findings.first();
          await expect.poll(() => first.locator('pre').first().isVisible()).toBe(false);
          await first.locator('summary').click();
          await expect.poll(() => first.locator('pre').first().isVisible()).toBe(true);
          const text = await first.innerText();
          expect(text).toMatch(
            /Request\s+GET http:\/\/127\.0\.0\.1:\$PORT\/v1\/tenants\/acme\/orders/,
          );
          expect(text).toMatch(/Authorization: Bearer eyJ\w{0,8}…\(jwt, \d+ chars\)/); // masked
          expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./); // never a whole token
          expect(text).toMatch(/Response\s+HTTP 200/);
          expect(text).toContain('curl -sS -i');
          await page.screenshot({
            path: path.join(os.tmpdir(), `authctl-probe-report-${width}.png`),
            fullPage: true,
          });
          await page.addScriptTag({ content: AXE });
          const violations = await page.evaluate(async () => {
            const axe = (
              window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }
            ).axe;
            return (await axe.run()).violations;
          });
          expect(
            (violations as AxeViolation[]).map(
              (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            ),
          ).toEqual([]);
          // The check can fail: a button with no name is a violation axe reports.
          const broken = await page.evaluate(async () => {
            document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button></button>');
            const axe = (
              window as unknown as {
                axe: { run: () => Promise<{ violations: Array<{ id: string }> }> };
              }
            ).axe;
            return (await axe.run()).violations.map((v) => v.id);
          });
          expect(broken).toContain('button-name');
        },
        { bypassCSP: true },
      );
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});
