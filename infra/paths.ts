import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root: the Dockerfile's context and the NodejsFunction project root. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda handlers, the same files the local stack runs. */
export const HANDLERS = {
  authorizer: path.join(REPO_ROOT, 'src/adapters/lambda/authorizer.handler.ts'),
  connect: path.join(REPO_ROOT, 'src/adapters/lambda/connect.handler.ts'),
  disconnect: path.join(REPO_ROOT, 'src/adapters/lambda/disconnect.handler.ts'),
  default: path.join(REPO_ROOT, 'src/adapters/lambda/default.handler.ts'),
} as const;

export const LOCK_FILE = path.join(REPO_ROOT, 'package-lock.json');
