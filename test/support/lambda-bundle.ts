import { build, type Metafile } from 'esbuild';
import { MAIN_FIELDS, REQUIRE_SHIM } from '../../infra/bundling.js';

export interface HandlerBundle {
  /** The minified ESM bundle, as the stack deploys it (without the source map). */
  code: string;
  bytes: number;
  /** Every input file esbuild put in the bundle (repo-relative; packages under node_modules/). */
  inputs: string[];
  metafile: Metafile;
}

/** Bundles one handler entry the way infra's NodejsFunction does: ESM, Node 22, minified, nothing external. */
export async function bundleHandler(entry: string): Promise<HandlerBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    mainFields: MAIN_FIELDS,
    banner: { js: REQUIRE_SHIM },
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), inputs: Object.keys(result.metafile.inputs), metafile: result.metafile };
}

/** The npm packages a bundle contains, e.g. `@aws-sdk/client-dynamodb`. */
export function packagesIn(bundle: HandlerBundle): Set<string> {
  const names = new Set<string>();
  for (const input of bundle.inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) names.add(match[1]!);
  }
  return names;
}
