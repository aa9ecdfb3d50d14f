import { expect, test } from './support/fixtures.js';
import { quietFreePort } from './support/processes.js';

// Lookup: the search box answers a typed port — free (checked by the core with a real bind test)
// or invalid, naming the valid range.
test('typing :PORT for a free port says it is free', async ({ app, page }) => {
  const port = await quietFreePort();
  await app.filter(`:${port}`);
  await expect(page.getByRole('status').filter({ hasText: `Port ${port} is free.` })).toBeVisible();
  await expect(app.row(port)).toHaveCount(0);
});

test('typing 619009 shows the valid range 1–65535', async ({ app, page }) => {
  await app.filter('619009');
  await expect(page.getByRole('status').filter({ hasText: '1–65535' })).toBeVisible();
});
