/**
 * How each Lambda handler is bundled (esbuild, through NodejsFunction). Kept free of CDK imports so that the
 * bundle tests and `npm run bench` build the handlers exactly as the stack does, without loading aws-cdk-lib.
 */

/** ESM output needs `require` for the few CommonJS dependencies that call it at run time. */
export const REQUIRE_SHIM =
  "import { createRequire as __socketpostCreateRequire } from 'node:module'; const require = __socketpostCreateRequire(import.meta.url);";

/** esbuild's resolution order of package entry points for the handlers (ESM builds first). */
export const MAIN_FIELDS = ['module', 'main'];
