import { describe, expect, it } from 'vitest';
import { parseSettings } from './parse-settings.js';

describe('ssh hosts in the settings file (issue 15)', () => {
  it('a hand-edited file with a hostile host loads without it, keeping the valid ones', () => {
    const parsed = parseSettings(
      JSON.stringify({ hosts: ['-oProxyCommand=touch /tmp/hr2-pwned'], pinnedHosts: ['ok-host'] }),
    );
    expect(parsed.settings.hosts).toEqual([]);
    expect(parsed.settings.pinnedHosts).toEqual(['ok-host']);
  });
});
