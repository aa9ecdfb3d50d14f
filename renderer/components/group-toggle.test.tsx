import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

// Issue 16 item 8: the grouping toggle keeps one fixed label ("Group") and says its state with
// aria-pressed; it used to flip between "Grouped" and "By port" and tell screen readers the opposite.

const shop = { name: 'shop', root: '/home/alice/shop', kind: 'node' } as const;
const web = listener({ port: 3000, owner: processOwner({ pid: 70, project: shop }) });
const api = listener({ port: 3001, owner: processOwner({ pid: 71, project: shop }) });
const loose = listener({ port: 9000, owner: processOwner({ pid: 72, project: null }) });

describe('the Group toggle', () => {
  it('keeps its label, reports pressed state, and groups the multi-listener project under a header', async () => {
    const r = mountApp({ snapshot: snapshot([web, api, loose]) });
    await screen.findByRole('option', { name: /Port 3000/ });
    const toggle = screen.getByRole('button', { name: 'Group' });
    // Flat by default (it fits the most rows in the popover: renderer/store/grouping-fit.test.ts).
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByRole('group', { name: /^shop,/ })).toBeNull();

    await r.user.click(toggle);
    expect(screen.getByRole('button', { name: 'Group' })).toBe(toggle);
    expect(toggle).toHaveTextContent(/^Group$/);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(await screen.findByRole('group', { name: 'shop, 2 listeners' })).toBeInTheDocument();

    await r.user.click(toggle);
    expect(toggle).toHaveAccessibleName('Group');
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByRole('group', { name: /^shop,/ })).toBeNull();
  });
});
