import { expect, test } from './support/fixtures.js';

// Harbormaster's own serve port: named "Harbormaster (this window)", hidden from "mine" by
// default (System shows it), and never killable from itself (button or Delete).
test('the serve port is "Harbormaster (this window)", hidden from mine, and cannot be killed from here', async ({
  app,
  page,
  serve,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await app.filter(`:${serve.port}`);
  const row = app.liveRow(serve.port).first();
  await expect(row).toHaveAccessibleName(/Harbormaster \(this window\)/);
  await row.click();
  const kill = app.actions(serve.port).getByRole('button', { name: /^Kill/ });
  await expect(kill).toBeDisabled();
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // System off (the default): the row is hidden, and the header says why.
  const system = page.getByRole('group', { name: 'View options' }).getByRole('button', { name: /^System/ });
  await system.click();
  await expect(system).toHaveAttribute('aria-pressed', 'false');
  await expect(app.row(serve.port)).toHaveCount(0);
  await expect(page.getByLabel('Scan summary')).toContainText('hidden (this window)');
});
