import { describe, expect, it } from 'vitest';
import { parseRequest } from './schemas.js';

describe('containerAction request (issue 10)', () => {
  it('accepts a container id or Docker name with stop or restart', () => {
    expect(parseRequest('containerAction', { container: 'a1b2c3d4e5f6', action: 'stop' }).ok).toBe(true);
    expect(parseRequest('containerAction', { container: 'shop-web_1', action: 'restart' }).ok).toBe(true);
  });

  it.each([
    [{ container: '../../containers/x', action: 'stop' }],
    [{ container: 'web?t=0', action: 'stop' }],
    [{ container: 'web', action: 'kill' }],
    [{ container: '', action: 'stop' }],
    [{ container: 'x'.repeat(129), action: 'stop' }],
    [{ container: 'web', action: 'stop', signal: 'SIGKILL' }],
  ])('rejects %j (no path, query, other action or extra key reaches the Engine API)', (payload) => {
    const r = parseRequest('containerAction', payload);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('INVALID_REQUEST');
  });
});
