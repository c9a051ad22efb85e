import { describe, expect, it } from 'vitest';
import { ApiKeyGuard } from '../../src/adapters/http/api-key.guard.js';

const KEY = 'test-key-0123456789abcdef';
const OTHER = 'second-key-abcdefghijkl';

describe('ApiKeyGuard', () => {
  const guard = new ApiKeyGuard([KEY, OTHER]);

  it.each([`Bearer ${KEY}`, `bearer ${KEY}`, `BEARER ${KEY}`, `Bearer   ${KEY}`, `Bearer ${KEY}  `, `Bearer\t${KEY}`, `Bearer ${OTHER}`])(
    'should allow %j',
    (authorization) => {
      expect(guard.allows(authorization)).toBe(true);
    },
  );

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    KEY,
    `Basic ${KEY}`,
    `xBearer ${KEY}`,
    `Bearer ${KEY} extra`,
    `Bearer ${KEY}x`,
    `Bearer x${KEY}`,
    `Bearer${KEY}`,
    'Bearer wrong-key-0123456789abcdef',
  ])('should refuse %j', (authorization) => {
    expect(guard.allows(authorization)).toBe(false);
  });

  it('should refuse to be built without any key', () => {
    expect(() => new ApiKeyGuard([])).toThrow('at least one API key is required');
  });

  it('should check every key, not only the first', () => {
    expect(new ApiKeyGuard([OTHER, KEY]).allows(`Bearer ${KEY}`)).toBe(true);
    expect(new ApiKeyGuard([KEY, OTHER, 'third-key-000000000000']).allows('Bearer third-key-000000000000')).toBe(true);
  });
});
