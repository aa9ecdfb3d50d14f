import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { renderApp } from '../test-support/render-app.js';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));
function app(...args: Parameters<typeof renderApp>) {
  const r = renderApp(...args);
  disposers.push(r.dispose);
  return r;
}

const storefront = listener({
  port: 3000,
  owner: processOwner({
    pid: 77,
    name: 'node',
    user: 'bob',
    uid: 1001,
    project: null,
    command: 'node api.js',
  }),
});
const other = listener({ port: 1234, owner: processOwner({ pid: 78, name: 'node', project: null }) });

describe('pins and labels in the window', () => {
  it('lists a pinned port first, named by its label, even when it is another user’s', async () => {
    app({
      snapshot: snapshot([other, storefront]),
      settings: { ...DEFAULT_SETTINGS, pins: [{ port: 3000, label: 'Storefront API' }] },
    });
    const rows = await screen.findAllByRole('option');
    expect(rows[0]).toHaveAccessibleName(/^Port 3000 .*Storefront API \(api\.js\).*pinned/);
    expect(within(rows[0] as HTMLElement).getByText('Storefront API')).toHaveClass('name');
    expect(screen.getByRole('group', { name: /^Pinned, 1 listener/ })).toBeInTheDocument();
  });

  it('shows a pinned port that nothing listens on as a "down" row', async () => {
    app({
      snapshot: snapshot([other]),
      settings: { ...DEFAULT_SETTINGS, pins: [{ port: 4000, label: 'Payments' }] },
    });
    const down = await screen.findByRole('option', { name: /Port 4000, Payments, pinned, down/ });
    expect(down).toHaveAttribute('aria-disabled', 'true');
    expect(within(down).getByText('down')).toBeInTheDocument();
  });

  it('pins and labels from the details, saved through updateSettings', async () => {
    const { user, api } = app({ snapshot: snapshot([other]) });
    await user.click(await screen.findByRole('option', { name: /Port 1234/ }));
    await user.click(screen.getByRole('button', { name: 'Details' }));
    const details = await screen.findByRole('region', { name: 'Details for port 1234' });
    await user.type(within(details).getByRole('textbox', { name: 'Label' }), 'Scratch');
    await user.click(within(details).getByRole('button', { name: 'Pin port 1234' }));
    await waitFor(async () =>
      expect((await api.getSettings()).pins).toEqual([{ port: 1234, label: 'Scratch' }]),
    );
    expect(within(details).getByRole('button', { name: 'Pin port 1234' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });
});
