import { expect, test } from './support/fixtures.js';
import { BODY_PREFIX, eventually, startHttpServer } from './support/processes.js';

// Open: the core builds the URL from the listener (never the page), hands it to the opener the
// serve process was given (HARBORMASTER_OPENER, a script recording its argument), and that exact
// URL shows the server's own response in a new page of the same browser.
test('Open and Enter hand exactly the listener URL to the opener, and it loads the server response', async ({
  app,
  serve,
  page,
}) => {
  const server = await startHttpServer();
  const expected = `http://127.0.0.1:${server.port}/`;
  await app.filter(`:${server.port}`);
  const row = app.liveRow(server.port);
  await expect(row).toHaveCount(1);
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');

  const open = app.actions(server.port).getByRole('button', { name: 'Open', exact: true });
  await expect(open).toBeEnabled();
  await open.click();
  expect(await eventually(() => serve.openedUrls().length === 1)).toBe(true);
  expect(serve.openedUrls()).toEqual([expected]);

  // Enter on the list opens the selected row too.
  await page.getByRole('listbox').focus();
  await page.keyboard.press('Enter');
  expect(await eventually(() => serve.openedUrls().length === 2)).toBe(true);
  expect(serve.openedUrls()).toEqual([expected, expected]);

  const opened = await page.context().newPage();
  const response = await opened.goto(serve.openedUrls()[0] ?? '');
  expect(response?.status()).toBe(200);
  await expect(opened.locator('#body')).toHaveText(`${BODY_PREFIX} ${server.pid}`);
  await opened.close();
});

test('an IPv6-only server opens at its bracketed ::1 URL', async ({ app, serve }) => {
  const server = await startHttpServer({ host: '::1' });
  await app.filter(`:${server.port}`);
  const row = app.liveRow(server.port);
  await expect(row).toHaveCount(1);
  await row.click();
  await app.actions(server.port).getByRole('button', { name: 'Open', exact: true }).click();
  expect(await eventually(() => serve.openedUrls().length === 1)).toBe(true);
  expect(serve.openedUrls()).toEqual([`http://[::1]:${server.port}/`]);
  const opened = await app.page.context().newPage();
  await opened.goto(serve.openedUrls()[0] ?? '');
  await expect(opened.locator('#body')).toHaveText(`${BODY_PREFIX} ${server.pid}`);
  await opened.close();
});
