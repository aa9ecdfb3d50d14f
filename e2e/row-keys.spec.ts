import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.js';
import { isAlive, startHttpServer } from './support/processes.js';

// Issue 16 item 11: the row actions (open, copy URL, kill) are not mouse-only. Everything after
// the filter is typed is done with the keyboard alone, through the real serve and a real server.
test.describe.configure({ timeout: 120_000 });

test('row actions by keyboard: Tab or → from the list reaches Open, Copy URL and Kill… of the selected row', async ({
  app,
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const server = await startHttpServer();
  await app.filter(`:${server.port}`);
  await expect(app.liveRow(server.port)).toHaveCount(1);

  // Tab to the list (no mouse), then select the row with the arrow key.
  const list = page.getByRole('listbox', { name: 'Listeners' });
  for (let i = 0; i < 20 && !(await list.evaluate((el) => el === el.ownerDocument.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(list).toBeFocused();
  await page.keyboard.press('Home');
  await expect(app.liveRow(server.port)).toHaveAttribute('aria-selected', 'true');

  // The selected row's actions show while the list has focus, and are next in the tab order.
  const tools = page.getByRole('toolbar', { name: `Row actions, port ${server.port}` });
  await expect(tools).toBeVisible();
  await page.keyboard.press('Tab');
  const open = tools.getByRole('link', { name: /^Open/ });
  await expect(open).toBeFocused();
  await expect(open).toHaveAttribute('href', `http://127.0.0.1:${server.port}/`);

  // → and ← move within the actions (roving, as in a toolbar); Escape goes back to the list.
  await page.keyboard.press('ArrowRight');
  const copy = tools.getByRole('button', { name: 'Copy URL' });
  await expect(copy).toBeFocused();
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate<string>('navigator.clipboard.readText()'))
    .toBe(`http://127.0.0.1:${server.port}/`);
  await page.keyboard.press('Escape');
  await expect(list).toBeFocused();

  // From the list, → enters the actions too, at the one last used (roving tab stop); Home and End
  // reach the ends, and the last one is Kill…, which opens the dialog.
  await page.keyboard.press('ArrowRight');
  await expect(copy).toBeFocused();
  await page.keyboard.press('Home');
  await expect(open).toBeFocused();
  await page.keyboard.press('End');
  const kill = tools.getByRole('button', { name: 'Kill…' });
  await expect(kill).toBeFocused();

  const violations = (
    await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze()
  ).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ') ?? ''}`);
  expect(violations).toEqual([]);

  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Kill node on port ${server.port}?` });
  await expect(dialog).toBeVisible();
  // Focus starts on Cancel, so Enter does not kill.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(isAlive(server.pid)).toBe(true);
});
