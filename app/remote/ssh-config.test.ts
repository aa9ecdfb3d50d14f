import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverHosts, splitConfigLine } from './ssh-config.js';
import { expandGlob, readTextOrNull } from './ssh-config-fs.js';

describe('~/.ssh/config host discovery', () => {
  const home = mkdtempSync(join(tmpdir(), 'hr-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
  writeFileSync(
    join(home, '.ssh', 'config'),
    [
      '# comment',
      'Include conf.d/*.conf',
      'Host devbox staging',
      '  HostName 10.0.0.2',
      'Host *.corp !bad.corp web?',
      '  User me',
      'Host=eq-host',
      'Host "quoted-host" # trailing comment',
      'Host -oProxyCommand=evil',
      'Match host foo',
      'Host devbox',
      'Include ~/.ssh/extra',
    ].join('\n'),
  );
  writeFileSync(join(home, '.ssh', 'conf.d', 'a.conf'), 'Host from-a\n');
  writeFileSync(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host from-b *\nInclude ../config\n');
  writeFileSync(join(home, '.ssh', 'conf.d', 'ignored.txt'), 'Host not-included\n');
  writeFileSync(join(home, '.ssh', 'extra'), 'Host extra-host\n');

  const found = discoverHosts(join(home, '.ssh', 'config'), home, readTextOrNull, expandGlob);

  it('lists concrete Host entries, Includes in place, each once; wildcards are not hosts', () => {
    expect(found.hosts.map((h) => h.alias)).toEqual([
      'from-a',
      'from-b',
      'devbox',
      'staging',
      'eq-host',
      'quoted-host',
      'extra-host',
    ]);
  });
  it('names a hostile Host entry as refused instead of using it', () => {
    expect(found.refused).toEqual([{ name: '-oProxyCommand=evil', reason: expect.stringContaining('"-"') }]);
  });
  it('a missing config is no hosts, not an error', () => {
    expect(discoverHosts(join(home, 'nope'), home, readTextOrNull, expandGlob).hosts).toEqual([]);
  });
  it('splits keyword=value and quoted arguments', () => {
    expect(splitConfigLine('  HOST = a "b c"  ')).toEqual({ keyword: 'host', args: ['a', 'b c'] });
  });
});
