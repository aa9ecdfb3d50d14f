import { describe, expect, it } from 'vitest';
import { listener as makeListener, processOwner as makeProcessOwner } from '../testing/fixtures.js';
import { displayNameOf, scriptOf } from './display-name.js';

// Real command lines (as /proc/<pid>/cmdline joins them) of the dev servers a user runs side by
// side, and what they recognise each one by.
const CASES: readonly (readonly [name: string, command: string, script: string | null])[] = [
  ['node', 'node /home/ann/shop/node_modules/.bin/next dev', 'next dev'],
  ['node', 'node /home/ann/shop/node_modules/next/dist/bin/next dev -p 3001', 'next dev'],
  ['next-server (v1', 'next-server (v14.2.3)', 'next-server'],
  ['node', 'node /home/ann/admin/node_modules/.bin/vite', 'vite'],
  ['node', '/usr/bin/node /home/ann/admin/node_modules/vite/bin/vite.js --port 5174', 'vite'],
  ['node', 'node /home/ann/docs/node_modules/.bin/astro dev', 'astro dev'],
  ['node', 'node /app/node_modules/react-scripts/scripts/start.js', 'start'],
  ['node', 'node /app/node_modules/@nestjs/cli/bin/nest.js start --watch', 'nest start'],
  ['node', 'node --inspect=9229 -r ts-node/register src/server.ts', 'src/server.ts'],
  ['node', 'node dist/index.js', 'dist/index.js'],
  ['node', 'node api.js', 'api.js'],
  ['node', 'node', null],
  ['node', "node -e const http = require('node:http'); http.createServer()", null],
  ['python3', 'python3 -c import http.server; print(1)', null],
  ['npm', 'npm run dev', 'npm run dev'],
  ['bun', 'bun run dev', 'bun run dev'],
  ['deno', 'deno run -A main.ts', 'main.ts'],
  ['python3', 'python3 manage.py runserver 0.0.0.0:8000', 'manage.py runserver'],
  ['python', '/home/ann/venv/bin/python /home/ann/venv/bin/flask run --port 5001', 'flask run'],
  ['python3', 'python3 -m http.server 8000', 'http.server'],
  ['python3.11', '/usr/bin/python3.11 -m uvicorn main:app --reload', 'uvicorn'],
  ['python', 'python app.py', 'app.py'],
  ['ruby', 'ruby bin/rails s -p 3000', 'rails s'],
  ['ruby', '/usr/bin/ruby bin/rails server', 'rails server'],
  ['bundle', 'bundle exec rails s', 'rails s'],
  ['ruby', 'puma 6.4.0 (tcp://0.0.0.0:3000) [shop]', 'puma'],
  ['php', 'php artisan serve', 'artisan serve'],
  ['php', 'php -S localhost:8000 -t public', 'php -S'],
  ['java', 'java -Xmx512m -jar build/libs/orders-0.1.jar', 'orders-0.1.jar'],
  ['java', 'java -cp app.jar com.example.OrdersApplication', 'OrdersApplication'],
  ['main', '/tmp/go-build3141/b001/exe/main', 'go run'],
  ['hugo', 'hugo server -D', 'hugo server'],
  ['redis-server', '/usr/bin/redis-server 127.0.0.1:6379', null],
  ['postgres', '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main', null],
  ['sshd', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', null],
];

describe('scriptOf: what a user recognises a command line by', () => {
  it.each(CASES)('%s: %s → %s', (name, command, script) => {
    expect(scriptOf(command, name)).toBe(script);
  });

  it('never passes control characters through from a hostile argv', () => {
    expect(scriptOf('node /x/node_modules/.bin/vi\u001b[31mte', 'node')).toBe('vite');
  });
});

describe('displayNameOf: project and script first, process name second', () => {
  const owner = (command: string, project: string | null) =>
    makeProcessOwner({
      name: 'node',
      command,
      project: project === null ? null : { name: project, root: `/home/ann/${project}`, kind: 'node' },
    });

  it('tells five "node" rows apart', () => {
    const names = [
      owner('node /home/ann/shop/node_modules/.bin/next dev', 'shop'),
      owner('node /home/ann/admin/node_modules/.bin/vite', 'admin'),
      owner('node /home/ann/docs/node_modules/.bin/astro dev', 'docs'),
      owner('node api.js', null),
      owner('node', 'worker'),
    ].map((o) => displayNameOf(makeListener({ port: 3000, owner: o }))?.primary);
    expect(names).toEqual(['shop · next dev', 'admin · vite', 'docs · astro dev', 'api.js', 'worker · node']);
    expect(new Set(names).size).toBe(5);
  });

  it('keeps the process name as the secondary name', () => {
    const d = displayNameOf(
      makeListener({ port: 5173, owner: owner('node x/node_modules/.bin/vite', 'admin') }),
    );
    expect(d).toEqual({ primary: 'admin · vite', secondary: 'node', script: 'vite' });
  });

  it('falls back to the page title when the command says nothing more', () => {
    const l = makeListener({
      port: 8080,
      owner: owner('node', null),
      health: { state: 'up', kind: 'http', status: 200, latencyMs: 3, checkedAt: 1, title: 'Storefront' },
    });
    expect(displayNameOf(l)).toEqual({ primary: 'Storefront', secondary: 'node', script: null });
  });

  it('names a plain process by its name alone', () => {
    const l = makeListener({
      port: 6379,
      owner: makeProcessOwner({ name: 'redis-server', command: 'redis-server', project: null }),
    });
    expect(displayNameOf(l)).toEqual({ primary: 'redis-server', secondary: null, script: null });
  });
});
