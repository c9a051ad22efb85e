import { describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/app/config.js';

describe('RECOVERY_WINDOW_SECONDS', () => {
  it('should keep messages 120 seconds by default and take 1 to 3600', () => {
    expect(loadCoreConfig({}).recoveryWindowSeconds).toBe(120);
    expect(loadCoreConfig({ RECOVERY_WINDOW_SECONDS: '1' }).recoveryWindowSeconds).toBe(1);
    expect(loadCoreConfig({ RECOVERY_WINDOW_SECONDS: '3600' }).recoveryWindowSeconds).toBe(3600);
  });

  it.each(['0', '3601', '2.5', 'two minutes'])('should refuse %j and name the variable', (value) => {
    expect(() => loadCoreConfig({ RECOVERY_WINDOW_SECONDS: value })).toThrow(/RECOVERY_WINDOW_SECONDS must be a whole number from 1 to 3600/);
  });
});
