import { expect, POLL_MS, test } from './support/fixtures.js';
import { seriousViolations } from './support/axe.js';
import { quietFreePort, startHttpServer } from './support/processes.js';

// WCAG 2.2 AA, checked by axe-core in a real Chromium against real listeners: zero serious or
// critical violations on every screen a user meets, in light and in dark.

for (const scheme of ['light', 'dark'] as const) {
  test(`0 serious/critical axe violations in ${scheme}: list, details, kill dialog, lookup, popover`, async ({
    app,
    page,
  }) => {
    // Six full axe passes on a loaded 2-core machine: well over the default minute.
    test.setTimeout(240_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    const web = await startHttpServer();
    // Filtered to it: the list is virtualized and sorted by port, so it may be out of view.
    await app.filter(`:${web.port}`);
    await expect(app.liveRow(web.port)).toContainText('HTTP 200', { timeout: POLL_MS * 4 });

    const found: Record<string, string[]> = {};
    found['list'] = await seriousViolations(page);

    await app.liveRow(web.port).click();
    await expect(app.actions(web.port)).toBeVisible();
    found['details'] = await seriousViolations(page);

    await app.actions(web.port).getByRole('button', { name: /^Kill/ }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    found['kill dialog'] = await seriousViolations(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    const free = await quietFreePort();
    await app.filter(`:${free}`);
    await expect(page.getByRole('status').filter({ hasText: `Port ${free} is free.` })).toBeVisible();
    found['lookup'] = await seriousViolations(page);

    await app.filter(`:${web.port}`);
    await page.setViewportSize({ width: 420, height: 560 });
    await expect(page.locator('.app')).toHaveAttribute('data-density', 'compact');
    await app.liveRow(web.port).click();
    found['popover'] = await seriousViolations(page);
    await page.getByRole('button', { name: 'Details' }).click();
    found['popover details'] = await seriousViolations(page);

    const lines = Object.entries(found).flatMap(([where, v]) => v.map((line) => `${where}: ${line}`));
    test.info().annotations.push({ type: `axe ${scheme}`, description: String(lines.length) });
    expect(lines, lines.join('\n')).toEqual([]);
  });
}
