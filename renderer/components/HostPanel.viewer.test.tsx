import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RemoteHostView, RemoteListener } from '../../app/model/remote-host.js';
import { remoteViewer } from '../format/remote-row.js';
import { hostDeps } from '../test-support/host-deps.js';
import { createAppStore } from '../store/app-store.js';
import { StoreContext } from '../store/store-context.js';
import { HostPanel } from './HostPanel.js';

// An owner the remote login could not read is worded for that login (issue 15 gap 4): the listing
// script prints the remote uid, so root on the remote is never told to get admin.

const hidden: RemoteListener = {
  protocol: 'tcp',
  family: 4,
  address: '0.0.0.0',
  port: 7000,
  exposure: 'all-interfaces',
  inode: '901',
  socketUid: 0,
  pids: [],
  holder: null,
};

async function rowText(viewerUid: number | null | undefined): Promise<string> {
  const view: RemoteHostView = {
    alias: 'devbox',
    state: 'ok',
    failure: null,
    listeners: [hidden],
    durationMs: 40,
    forwardsBroken: false,
    nextRetryMs: null,
    ...(viewerUid === undefined ? {} : { viewerUid }),
  };
  const deps = hostDeps(view);
  const r = render(
    <StoreContext.Provider value={createAppStore()}>
      <HostPanel alias="devbox" deps={deps} onForwardsChanged={() => undefined} />
    </StoreContext.Provider>,
  );
  await userEvent.setup().click(screen.getByRole('button', { name: /^devbox/ }));
  const list = await screen.findByRole('listbox', { name: 'Listeners on devbox' });
  const text = within(list).getByRole('option').textContent ?? '';
  r.unmount();
  return text;
}

describe('remote rows word an unreadable owner for the remote login that read it', () => {
  it('root on the remote is never told to get admin', async () => {
    const text = await rowText(0);
    expect(text).toMatch(/unreadable even as root/);
    expect(text).not.toMatch(/needs admin/);
  });

  it('a normal remote login is told the owner needs admin', async () => {
    expect(await rowText(1000)).toMatch(/needs admin/);
  });

  it('an unknown remote login (an older core sends no uid) keeps the normal-user wording', async () => {
    expect(await rowText(undefined)).toMatch(/needs admin/);
    expect(await rowText(null)).toMatch(/needs admin/);
  });

  it('remoteViewer reads the uid only', () => {
    expect(remoteViewer({ viewerUid: 0 })).toEqual({ uid: 0, user: null });
    expect(remoteViewer({ viewerUid: null })).toBeNull();
    expect(remoteViewer(null)).toBeNull();
  });
});
