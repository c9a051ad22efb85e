import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../clients/ws-client.ts', import.meta.url));

export interface BrowserBundleOptions {
  /** `esm` (default): `import { SocketpostWsClient } from '/ws-client.js'`; `iife`: a global `SocketpostWsClient` namespace. */
  format?: 'esm' | 'iife';
  minify?: boolean;
}

/**
 * The ws-client (`src/clients/ws-client.ts`, partysocket included) bundled for browsers with esbuild, in memory:
 * the local console serves the returned text as a script. Build it once at startup and keep the string.
 */
export async function bundleWsClientForBrowser(options: BrowserBundleOptions = {}): Promise<string> {
  const format = options.format ?? 'esm';
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: 'browser',
    format,
    target: 'es2020',
    minify: options.minify ?? false,
    legalComments: 'inline',
    ...(format === 'iife' ? { globalName: 'SocketpostWsClient' } : {}),
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the ws-client bundle');
  return output.text;
}
