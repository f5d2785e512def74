// `serve --root` in Debian's chromium (headless, driven by playwright-core; no browser is
// downloaded): the login form and its cookie, the page shell's L.env, admin/menu as the page
// fetches it, Save & Apply with apply_rollback + confirm changing the confdir, and an apply
// left unconfirmed rolled back. The root's pages are the fixture's own small scripts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD, startRoot, type RootServer } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(!haveChromium)('LuCI off-device in chromium', () => {
  let h: RootServer;
  let browser: Browser;
  let page: Page;
  const firewall = () => readFileSync(join(h.dir, 'etc/config/firewall'), 'utf8');
  const status = () => page.locator('#status');

  beforeAll(async () => {
    h = await startRoot();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await (await browser.newContext()).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the login form, and after it the page with the sysauth_http cookie set', async () => {
    const first = await page.goto(`${h.url}/cgi-bin/luci/admin/network/firewall`);
    expect(first!.status()).toBe(403);
    await page.fill('input[name=luci_username]', 'root');
    await page.fill('input[name=luci_password]', PASSWORD);
    await Promise.all([page.waitForURL(`${h.url}/cgi-bin/luci/admin/network/firewall`), page.click('input[type=submit]')]);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'sysauth_http', path: '/cgi-bin/luci/', httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0]!.value).toMatch(/^[0-9a-f]{32}$/);
    // the view ran: it shows what L.env holds
    const env = JSON.parse((await page.locator('#env').textContent())!) as Record<string, unknown>;
    expect(env).toMatchObject({
      sessionid: cookies[0]!.value,
      requestpath: ['admin', 'network', 'firewall', 'zones'],
      dispatchpath: ['admin', 'network', 'firewall', 'zones'],
      title: 'General Settings',
      readonly: false,
      rollback_token: null,
    });
    expect(env.token).toMatch(/^[0-9a-f]{32}$/);
    // the cookie is HttpOnly: the page's scripts cannot read it
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('fetches admin/menu with the cookie: the logged-in user sees the firewall', async () => {
    const menu = await page.evaluate(async () => (await fetch('/cgi-bin/luci/admin/menu')).json());
    expect(menu.children.admin.children.network.children.firewall).toMatchObject({ satisfied: true, title: 'Firewall' });
    expect(menu.children.admin.children.network.children.wireless.satisfied).toBe(false);
  });

  it('Save & Apply, then confirm: the confdir changes and stays changed', async () => {
    const before = firewall();
    await page.fill('#input', 'DROP');
    await page.click('#save');
    await expect.poll(() => status().textContent()).toBe('staged 0');
    await page.click('#apply');
    await expect.poll(() => status().textContent()).toBe('applied 200');
    expect(firewall()).not.toBe(before);
    expect(firewall()).toContain("option input 'DROP'");
    await page.click('#confirm');
    await expect.poll(() => status().textContent()).toBe('confirmed 200');
    expect(firewall()).toContain("option input 'DROP'");
  });

  it('Save & Apply left unconfirmed: the rollback restores the confdir', async () => {
    const before = firewall();
    const realSetTimeout = globalThis.setTimeout;
    // only LuCI's 90 s rollback timer is shortened, so that the test need not wait for it; to
    // 3 s, not less: the applied state is read before the rollback, and at a load average of
    // 30 a 300 ms window had already closed (the rollback had run)
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) =>
      realSetTimeout(fn, ms === 90_000 ? 3000 : ms)) as typeof setTimeout);
    try {
      await page.fill('#input', 'REJECT');
      await page.click('#save');
      await expect.poll(() => status().textContent()).toBe('staged 0');
      await page.click('#apply');
      await expect.poll(() => status().textContent()).toBe('applied 200');
      expect(firewall()).toContain("option input 'REJECT'");
      await expect.poll(firewall, { timeout: 20_000 }).toBe(before);
    } finally {
      spy.mockRestore();
    }
  });
});
