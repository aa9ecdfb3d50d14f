import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, POLL_MS, test } from './support/fixtures.js';
import { ROOT, startHttpServer } from './support/processes.js';

const run = promisify(execFile);

// Pins and labels through the real page, serve and CLI: pin a live port from the details with a
// label, see it first and named by its label, stop its server and see it stay as "down", and read
// the same pin back with `harbormaster pins` from the settings folder serve wrote.
test('a pinned, labelled port stays at the top and shows "down" when nothing listens', async ({
  app,
  page,
  serve,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const web = await startHttpServer();
  await app.filter(`:${web.port}`);
  await app.liveRow(web.port).click();
  const details = page.getByRole('region', { name: `Details for port ${web.port}` });
  await details.getByRole('textbox', { name: 'Label' }).fill('Storefront API');
  await details.getByRole('button', { name: `Pin port ${web.port}` }).click();
  await expect(details.getByRole('button', { name: `Pin port ${web.port}` })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  await app.filter('');
  const first = page.getByRole('option').first();
  await expect(first).toHaveAccessibleName(new RegExp(`^Port ${web.port} .*Storefront API .*pinned`));
  await expect(first.locator('.name')).toHaveText('Storefront API');

  await web.stop();
  const down = page.locator(`[role="option"][data-down="true"][data-port="${web.port}"]`);
  await expect(down).toBeVisible({ timeout: POLL_MS * 5 });
  await expect(down).toContainText('down');
  await expect(down).toHaveAttribute('aria-disabled', 'true');
  await expect(down).toHaveAccessibleName(new RegExp(`^Port ${web.port}, Storefront API, pinned, down`));

  const cli = await run(process.execPath, [path.join(ROOT, 'bin', 'harbormaster.js'), 'pins', '--json'], {
    env: { ...process.env, HARBORMASTER_USER_DATA: serve.userData },
  });
  expect(JSON.parse(cli.stdout)).toEqual([{ port: web.port, label: 'Storefront API', up: false, pids: [] }]);
});
