import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HISTORY_OFF_NOTE, type Diagnosis, type PortHistory } from '../../app/model/diagnosis.js';
import { ok } from '../../app/model/errors.js';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

// The window's half of issue 13 against the fake API: what the core answers is covered by
// app/why/why-api.test.ts and e2e/why.spec.ts (real servers through `harbormaster serve`).
const app = mountApp;

const vite = listener({
  port: 5173,
  address: '::1',
  owner: processOwner({ pid: 4242, startToken: 'st-4242', name: 'node' }),
});

function diagnosisFor(target: string): Diagnosis {
  return {
    target: { input: target, host: 'localhost', isName: true, port: 3000, scheme: 'http', path: '/app' },
    reachable: false,
    verdict: `Not reachable: ${target} — nothing listens on port 3000.`,
    findings: [
      {
        id: 'nothing-listening',
        likelihood: 90,
        title: 'Nothing listens on port 3000 (TCP)',
        evidence: ['127.0.0.1:3000 refused in 1 ms', 'no TCP or UDP socket on port 3000 \u001b[31m'],
        meaning: 'The server is not running, or runs on another port.',
        fix: ['Start the server, e.g. npm run dev'],
      },
    ],
    resolved: [{ address: '127.0.0.1', family: 4 }],
    attempts: [{ address: '127.0.0.1', family: 4, result: 'refused', ms: 1 }],
    historyFrom: null,
    historyNote: null,
    elapsedMs: 12,
  };
}

describe('why in the window', () => {
  it('a pasted URL nothing matches shows the diagnosis, verdict first, then the findings and "free"', async () => {
    const { user, api } = app({ snapshot: snapshot([vite]), why: (t) => ok(diagnosisFor(t)) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.click(screen.getByRole('searchbox', { name: 'Filter listeners' }));
    await user.paste('http://localhost:3000/app');
    const section = await screen.findByRole('region', { name: "Why can't I connect?" });
    expect(api.calls.filter((c) => c.method === 'lookup').at(-1)?.params).toEqual({ port: 3000 });
    expect(api.calls.filter((c) => c.method === 'why').at(-1)?.params).toEqual({
      target: 'http://localhost:3000/app',
    });
    const text = section.textContent ?? '';
    expect(text.indexOf('Not reachable: http://localhost:3000/app')).toBe(0);
    expect(text.indexOf('Nothing listens on port 3000')).toBeGreaterThan(0);
    expect(text).toContain('Measured: ');
    expect(text).toContain('Meaning: The server is not running');
    expect(text).toContain('Fix: Start the server, e.g. npm run dev');
    // Untrusted text is cleaned: no escape byte reaches the page.
    expect(text).not.toContain('\u001b');
    // The diagnosis comes before the "free" line.
    const free = screen.getByText(/Port 3000 is free/);
    expect(section.compareDocumentPosition(free) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('says the port history is off, and how to turn it on, instead of "no port history yet"', async () => {
    const off = (t: string): Diagnosis => ({ ...diagnosisFor(t), historyNote: HISTORY_OFF_NOTE });
    const { user } = app({ snapshot: snapshot([vite]), why: (t) => ok(off(t)) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.click(screen.getByRole('searchbox', { name: 'Filter listeners' }));
    await user.paste('localhost:3000');
    const section = await screen.findByRole('region', { name: "Why can't I connect?" });
    expect(section).toHaveTextContent(/Port history is off \(HARBORMASTER_HISTORY=off\)/);
    expect(section).toHaveTextContent(/To turn it on, start Harbormaster without HARBORMASTER_HISTORY=off/);
    expect(section).not.toHaveTextContent(/No port history yet/);
  });

  it('host:port whose port is listed (on another address) is diagnosed once, beside the row', async () => {
    const { user, api } = app({ snapshot: snapshot([vite]), why: (t) => ok(diagnosisFor(t)) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.click(screen.getByRole('searchbox', { name: 'Filter listeners' }));
    await user.paste('127.0.0.1:5173');
    expect(await screen.findByRole('region', { name: "Why can't I connect?" })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /Port 5173/ })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'why').map((c) => c.params)).toEqual([
      { target: '127.0.0.1:5173' },
    ]);
    expect(api.calls.some((c) => c.method === 'lookup')).toBe(false);
  });

  it('every free lookup offers "Why?", which asks again', async () => {
    const { user, api } = app({ snapshot: snapshot([vite]), why: (t) => ok(diagnosisFor(t)) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.type(screen.getByRole('searchbox', { name: 'Filter listeners' }), '3000');
    await screen.findByText(/Port 3000 is free/);
    const before = api.calls.filter((c) => c.method === 'why').length;
    await user.click(await screen.findByRole('button', { name: "Why can't I connect to 3000?" }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'why').length).toBe(before + 1));
    expect(api.calls.filter((c) => c.method === 'why').at(-1)?.params).toEqual({ target: '3000' });
  });

  it('the details pane shows the port’s history and offers "Why?"', async () => {
    const history: PortHistory = {
      port: 5173,
      events: [
        {
          at: Date.now() - 60_000,
          event: 'close',
          protocol: 'tcp',
          family: 6,
          address: '::1',
          port: 5173,
          face: 'cli',
          owner: {
            kind: 'process',
            pid: 4121,
            startToken: 'x',
            startedAt: null,
            name: 'node',
            command: 'npm run dev',
            cwd: '/home/u/web',
            project: 'web',
            user: 'u',
            uid: 1000,
            container: null,
          },
        },
      ],
      total: 1,
      coversFrom: Date.now() - 3600_000,
      note: null,
    };
    const { user, api } = app({
      snapshot: snapshot([vite]),
      portHistory: () => ok(history),
      why: (t) => ok(diagnosisFor(t)),
    });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await user.click(screen.getByRole('button', { name: 'Details' }));
    const list = await screen.findByRole('list', { name: 'Port 5173 history' });
    expect(within(list).getByText(/closed tcp6 \[::1\]:5173 node \(pid 4121, project web\)/)).toBeTruthy();
    expect(api.calls.some((c) => c.method === 'portHistory')).toBe(true);
    await user.click(screen.getByRole('button', { name: "Why can't I connect to [::1]:5173?" }));
    expect(await screen.findByRole('region', { name: "Why can't I connect?" })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'why').at(-1)?.params).toEqual({ target: '[::1]:5173' });
  });
});
