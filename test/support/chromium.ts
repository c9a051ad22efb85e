import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's `chromium` package (and a few other distributions) put the browser. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/snap/bin/chromium'];

export class ChromiumNotFoundError extends Error {
  readonly code = 'CHROMIUM_NOT_FOUND';
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the first installed candidate. The
 * tests never download a browser; when none is found they fail saying what to install.
 */
export function findChromium(env: Record<string, string | undefined> = process.env, exists: (path: string) => boolean = existsSync): string {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (exists(explicit)) return explicit;
    throw new ChromiumNotFoundError(`CHROMIUM_PATH is ${explicit}, which does not exist: install Chromium there or unset it`);
  }
  const found = CHROMIUM_CANDIDATES.find((path) => exists(path));
  if (found) return found;
  throw new ChromiumNotFoundError(
    `Chromium not found (looked for ${CHROMIUM_CANDIDATES.join(', ')}): the browser tests need it. ` +
      'Install Debian\'s package with `apt-get update && apt-get install -y chromium` (what .ci/run does), ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
}

/** One headless Chromium, started through playwright-core with the installed executable. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: ['--disable-dev-shm-usage'] });
}
