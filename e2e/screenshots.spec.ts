import { expect, POLL_MS, test } from './support/fixtures.js';
import { quietFreePort, startHttpServer, startUdpListener } from './support/processes.js';

// Screenshots of the main states in light and dark, saved under test-results/screenshots/ and
// attached to the report. Each step also asserts the state it shows, so a blank or wrong screen fails.

for (const scheme of ['light', 'dark'] as const) {
  test(`main states in ${scheme}`, async ({ app, page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const web = await startHttpServer();
    const udp = await startUdpListener();
    const v6 = await startHttpServer({ host: '::1' });
    const stubborn = await startHttpServer({ ignoreTerm: true });

    // 1. The list with real listeners, one selected (details and actions beside it).
    await app.filter(`:${web.port}`);
    await expect(app.liveRow(web.port)).toContainText('HTTP 200', { timeout: POLL_MS * 4 });
    await app.liveRow(web.port).click();
    // Each one filtered to: the flat list is sorted by port and virtualized.
    for (const port of [udp.port, v6.port, stubborn.port]) {
      await app.filter(`:${port}`);
      await expect(app.row(port)).toHaveCount(1, { timeout: POLL_MS * 5 });
    }
    await app.filter(`:${web.port}`);
    await app.liveRow(web.port).click();
    await app.filter('');
    await expect(app.actions(web.port)).toBeVisible();
    await app.screenshot(`list-${scheme}`);

    // 2. Lookup: a free port, and an invalid one.
    const free = await quietFreePort();
    await app.filter(`:${free}`);
    await expect(page.getByRole('status').filter({ hasText: `Port ${free} is free.` })).toBeVisible();
    await app.screenshot(`lookup-free-${scheme}`);
    await app.filter('619009');
    await expect(page.getByRole('status').filter({ hasText: '1–65535' })).toBeVisible();
    await app.screenshot(`lookup-invalid-${scheme}`);

    // 3. Kill: the confirmation, then the verified result.
    await app.filter(`:${web.port}`);
    await app.liveRow(web.port).click();
    await app.actions(web.port).getByRole('button', { name: 'Kill…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(String(web.pid));
    await app.screenshot(`kill-confirm-${scheme}`);
    await dialog.getByRole('button', { name: 'Kill node' }).click();
    await expect(dialog).toContainText(new RegExp(`Port ${web.port} freed in`), { timeout: 15_000 });
    await app.screenshot(`kill-freed-${scheme}`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // 4. A process that ignores SIGTERM: "still running", Force offered.
    await app.filter(`:${stubborn.port}`);
    await app.liveRow(stubborn.port).click();
    await app.actions(stubborn.port).getByRole('button', { name: 'Kill…' }).click();
    await dialog.getByRole('button', { name: 'Kill node' }).click();
    await expect(dialog).toContainText('still running', { timeout: 20_000 });
    await expect(dialog.getByRole('button', { name: /Force kill/ })).toBeVisible();
    await app.screenshot(`kill-still-running-${scheme}`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // 5. The compact popover size (~420×560) the tray window uses.
    await app.filter('');
    await page.setViewportSize({ width: 420, height: 560 });
    await expect(app.page.locator('.app')).toHaveAttribute('data-density', 'compact');
    await app.screenshot(`popover-compact-${scheme}`);

    // 6. The server stopped: the page says the connection was lost instead of showing an empty list.
    expect(await serve.stop()).toBe(0);
    await expect(page.getByRole('alert').filter({ hasText: 'Connection lost' })).toBeVisible();
    await app.screenshot(`connection-lost-${scheme}`);
  });
}
