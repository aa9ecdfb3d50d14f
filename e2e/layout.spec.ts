import type { Locator } from '@playwright/test';
import { expect, POLL_MS, test } from './support/fixtures.js';
import { startHttpServer } from './support/processes.js';

// Layout at the three widths people use: a 1280 px window, a 1100 px one, and the 420×560 tray
// popover. What must never happen: "Kill…" dropping to a second line of the action bar, the
// exposure badge (loopback vs exposed) squeezed out of the address column, or a cell cut short
// while a neighbouring column sits empty.

const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 1100, height: 720 },
  { width: 420, height: 560 },
] as const;

/** The few DOM fields the checks read (the e2e project compiles without the DOM library). */
interface Box {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly textContent: string | null;
  readonly className: string;
  querySelectorAll(selector: string): ArrayLike<Box>;
}

/** Whether an element's text is cut (ellipsis or clipped). */
async function isClipped(el: Locator): Promise<boolean> {
  return el.evaluate((e) => e.scrollWidth > e.clientWidth + 1);
}

for (const size of WIDTHS) {
  test(`at ${size.width} px: Kill… stays on the first line with Watching shown, and the address keeps its exposure badge`, async ({
    app,
    page,
  }) => {
    await page.setViewportSize(size);
    const exposed = await startHttpServer({ host: '0.0.0.0' });
    const local = await startHttpServer({ host: '127.0.0.1' });
    const v6 = await startHttpServer({ host: '::1' });
    for (const port of [exposed.port, local.port, v6.port]) {
      await app.showPort(port, { timeout: POLL_MS * 4 });
    }

    // The address column: badge whole and inside its cell, the address whole in its tooltip and,
    // in the window (not the popover), whole on screen too. Checked with the details pane closed
    // and open (the narrower list). Each row is filtered to on its own (the list is virtualized).
    for (const [port, address, shown, badge] of [
      [exposed.port, '0.0.0.0', '0.0.0.0', 'all interfaces'],
      [local.port, '127.0.0.1', '127.0.0.1', 'loopback'],
      [v6.port, '::1', '[::1]', 'loopback'],
    ] as const) {
      await app.filter(`:${port}`);
      const row = app.liveRow(port);
      for (const pane of ['closed', 'open'] as const) {
        if (pane === 'open') {
          await row.click();
          await expect(app.actions(port)).toBeVisible();
        }
        const at = `${address} at ${size.width}px, details ${pane}`;
        const cell = row.locator('.cell-addr');
        const b = cell.locator('.badge');
        await expect(b).toHaveText(badge);
        await expect(b).toBeVisible();
        expect(await isClipped(b), `${badge} badge clipped: ${at}`).toBe(false);
        expect(await isClipped(cell), `address cell overflows: ${at}`).toBe(false);
        const badgeBox = await b.boundingBox();
        const cellBox = await cell.boundingBox();
        expect(badgeBox && cellBox, 'badge and cell are laid out').toBeTruthy();
        if (badgeBox && cellBox)
          expect(badgeBox.x + badgeBox.width, `badge cut by its cell: ${at}`).toBeLessThanOrEqual(
            cellBox.x + cellBox.width + 0.5,
          );
        const addr = row.locator('.addr');
        await expect(addr).toHaveAttribute('title', address);
        // The tail of the address is never cut (the middle ellipsis cuts the head only).
        expect(await isClipped(row.locator('.addr-tail'))).toBe(false);
        if (size.width >= 1100) {
          expect(await isClipped(row.locator('.addr-head')), `address ellipsized: ${at}`).toBe(false);
          await expect(addr).toHaveText(shown);
        }
      }
    }
    await app.filter(`:${exposed.port}`);

    // Watching shown, then Kill… must sit on the same line as Open.
    await app.liveRow(exposed.port).click();
    const bar = app.actions(exposed.port);
    await expect(bar).toBeVisible();
    const watch = bar.getByRole('button', { name: /^Watch/ });
    await watch.click();
    await expect(watch).toHaveAttribute('aria-pressed', 'true');
    await expect(watch).toHaveText('Watching');
    const widths = await bar
      .getByRole('button')
      .evaluateAll((bs) =>
        bs.map(
          (b) =>
            `${(b as unknown as { textContent: string }).textContent}=${(b as unknown as Box).clientWidth}`,
        ),
      );
    test.info().annotations.push({ type: `action bar at ${size.width}px`, description: widths.join(' ') });
    const open = await bar.getByRole('button', { name: 'Open' }).boundingBox();
    const kill = await bar.getByRole('button', { name: /^Kill/ }).boundingBox();
    expect(open && kill, 'both buttons are laid out').toBeTruthy();
    if (open && kill) {
      expect(Math.abs(kill.y - open.y), `Kill… wrapped at ${size.width}px`).toBeLessThan(2);
      expect(kill.height).toBeLessThan(open.height + 2);
    }
    await watch.click();
    await expect(watch).toHaveAttribute('aria-pressed', 'false');

    // No cell is cut while a neighbouring column is empty (roomy layout: one grid row per listener).
    if (size.width >= 720) {
      const problems = await app.liveRow(exposed.port).evaluate((row) => {
        const r = row as unknown as Box;
        const cells = Array.from(r.querySelectorAll('[class^="cell-"]'));
        const out: string[] = [];
        cells.forEach((cell, i) => {
          const cut = Array.from(cell.querySelectorAll('*'))
            .concat(cell)
            .some((e) => e.scrollWidth > e.clientWidth + 1);
          if (!cut) return;
          for (const n of [cells[i - 1], cells[i + 1]]) {
            if (n && (n.textContent ?? '').trim() === '')
              out.push(`${cell.className} cut beside empty ${n.className}`);
          }
        });
        return out;
      });
      expect(problems).toEqual([]);
    }

    if (size.width === 420) {
      // The popover's list viewport with a row selected: the number renderer/store/grouping-fit.test.ts uses.
      const h = await page.locator('#listener-list').evaluate((e) => e.clientHeight);
      test.info().annotations.push({ type: 'popover list viewport (px)', description: String(h) });
      console.log(`popover list viewport with a row selected: ${h}px`);
    }
  });
}
