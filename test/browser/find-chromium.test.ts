import { describe, expect, it } from 'vitest';
import { CHROMIUM_CANDIDATES, ChromiumNotFoundError, findChromium } from '../support/chromium.js';

const only = (...present: string[]) => (path: string) => present.includes(path);

describe('finding the Chromium the browser tests drive', () => {
  it("should take Debian's /usr/bin/chromium first", () => {
    expect(findChromium({}, only('/usr/bin/chromium', '/usr/lib/chromium/chromium'))).toBe('/usr/bin/chromium');
  });

  it('should fall back to the other usual places', () => {
    expect(findChromium({}, only('/usr/lib/chromium/chromium'))).toBe('/usr/lib/chromium/chromium');
  });

  it('should take CHROMIUM_PATH when it is set and exists', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'))).toBe('/opt/chrome/chrome');
  });

  it('should fail saying what to install when no Chromium is found', () => {
    const find = () => findChromium({}, only());
    expect(find).toThrow(ChromiumNotFoundError);
    expect(find).toThrow('apt-get update && apt-get install -y chromium');
    expect(find).toThrow(CHROMIUM_CANDIDATES[0] as string);
    expect(find).toThrow('CHROMIUM_PATH');
  });

  it('should fail naming CHROMIUM_PATH when it points nowhere, not fall back silently', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chrome' }, only('/usr/bin/chromium'))).toThrow(
      'CHROMIUM_PATH is /nowhere/chrome, which does not exist',
    );
  });
});
