import { expect, test } from './support/fixtures.js';
import { BODY_PREFIX, startHttpServer } from './support/processes.js';

// Open in browser mode (issue 16 item 1): the core builds and verifies the URL from the listener
// (never the page), and the page itself opens that URL in a new tab; the serve machine's opener
// (HARBORMASTER_OPENER, a script recording its argument) is never run: on a headless box it would
// open nothing the user sees.
test('Open and Enter open exactly the listener URL in a new tab of this browser, never the serve machine opener', async ({
  app,
  serve,
  page,
}) => {
  const server = await startHttpServer();
  const expected = `http://127.0.0.1:${server.port}/`;
  const row = await app.showPort(server.port);
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');

  const open = app.actions(server.port).getByRole('button', { name: 'Open', exact: true });
  await expect(open).toBeEnabled();
  const [tab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
  await tab.waitForLoadState();
  expect(tab.url()).toBe(expected);
  await expect(tab.locator('#body')).toHaveText(`${BODY_PREFIX} ${server.pid}`);
  // noopener: the new tab has no handle on the window (and its token-bearing address).
  expect(await tab.evaluate(() => (globalThis as unknown as { opener: unknown }).opener === null)).toBe(true);
  await tab.close();

  // Enter on the list opens the selected row too.
  await page.getByRole('listbox').focus();
  const [second] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('Enter')]);
  await second.waitForLoadState();
  expect(second.url()).toBe(expected);
  await second.close();
  expect(serve.openedUrls()).toEqual([]);
});

test('a row carries its URL as a real link: middle-click opens it in a new tab', async ({ app, page }) => {
  const server = await startHttpServer();
  const row = await app.showPort(server.port);
  await row.hover();
  const link = page.locator(`.row-actions a[href="http://127.0.0.1:${server.port}/"]`);
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click({ button: 'middle' })]);
  await tab.waitForLoadState();
  expect(tab.url()).toBe(`http://127.0.0.1:${server.port}/`);
  await expect(tab.locator('#body')).toHaveText(`${BODY_PREFIX} ${server.pid}`);
  await tab.close();
});

test('an IPv6-only server opens at its bracketed ::1 URL', async ({ app, serve }) => {
  const server = await startHttpServer({ host: '::1' });
  const row = await app.showPort(server.port);
  await row.click();
  const [opened] = await Promise.all([
    app.page.context().waitForEvent('page'),
    app.actions(server.port).getByRole('button', { name: 'Open', exact: true }).click(),
  ]);
  await opened.waitForLoadState();
  expect(opened.url()).toBe(`http://[::1]:${server.port}/`);
  await expect(opened.locator('#body')).toHaveText(`${BODY_PREFIX} ${server.pid}`);
  await opened.close();
  expect(serve.openedUrls()).toEqual([]);
});
