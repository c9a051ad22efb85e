/**
 * There is no Docker engine on these machines, so the image is not built here: these tests read the
 * Dockerfile and .dockerignore and check them against package.json, tsconfig.build.json and the stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerIgnoreStrategy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CONTAINER_PORT, HEALTH_CHECK_PATH } from '../../infra/constructs/notify-service.js';
import { REPO_ROOT } from '../../infra/paths.js';

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continuation
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  return logical.map((line) => {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    return { keyword: keyword.toUpperCase(), args };
  });
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const dockerfile = parseDockerfile(read('Dockerfile'));
const stages = stagesOf(dockerfile);
const build = stages[0]!;
const runtime = stages.at(-1)!;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const only = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const tsconfigBuild = JSON.parse(read('tsconfig.build.json')) as {
  extends?: string;
  compilerOptions: { rootDir: string; outDir: string };
};

/** What `tsc -p tsconfig.build.json` emits for a source file. */
function emittedFor(source: string): string {
  const { rootDir, outDir } = tsconfigBuild.compilerOptions;
  return path.posix.join(outDir, path.posix.relative(rootDir, source)).replace(/\.ts$/, '.js');
}

describe('Dockerfile', () => {
  it('should be multi-stage on a Node 22 slim base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:22(?:\.\d+){0,2}(?:-[a-z0-9]+)*-slim(?:@sha256:[0-9a-f]{64})?$/);
    }
    expect(build.name).toBeTruthy();
  });

  it('should build with all dependencies from the lock file and the package.json build script', () => {
    expect(packageJson.scripts.build).toBe('tsc -p tsconfig.build.json');
    const buildRuns = runs(build);
    const ci = buildRuns.findIndex((r) => /^npm ci\b/.test(r));
    const compile = buildRuns.findIndex((r) => r === 'npm run build');
    expect(ci, 'npm ci in the build stage').toBeGreaterThanOrEqual(0);
    expect(buildRuns[ci]).not.toMatch(/--omit=dev|--production/);
    expect(compile, 'npm run build after npm ci').toBeGreaterThan(ci);

    // The build sees the lock file, both TypeScript configs (tsconfig.build.json extends tsconfig.json) and src.
    const copied = only(build, 'COPY').flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.build.json', tsconfigBuild.extends!.replace(/^\.\//, ''), 'src']) {
      expect(copied, file).toContain(file);
    }
  });

  it('should run with production dependencies only and the compiled output of the build stage', () => {
    const runtimeRuns = runs(runtime);
    expect(runtimeRuns.some((r) => /^npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runtimeRuns.join('\n')).not.toMatch(/npm run build|npm install/);
    const fromBuild = only(runtime, 'COPY').filter((c) => c.args.startsWith(`--from=${build.name} `));
    expect(fromBuild.map((c) => c.args)).toEqual([`--from=${build.name} /app/${tsconfigBuild.compilerOptions.outDir} ./${tsconfigBuild.compilerOptions.outDir}`]);
    expect(only(runtime, 'COPY').map((c) => c.args).join('\n')).not.toMatch(/\bsrc\b/);
  });

  it('should run as a non-root user', () => {
    const users = only(runtime, 'USER').map((u) => u.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('CMD'));
  });

  it('should check /healthz on the port the stack routes to', () => {
    const [healthcheck] = only(runtime, 'HEALTHCHECK');
    expect(healthcheck?.args).toContain(HEALTH_CHECK_PATH);
    expect(HEALTH_CHECK_PATH).toBe('/healthz');
    expect(only(runtime, 'EXPOSE').map((e) => e.args)).toEqual([String(CONTAINER_PORT)]);
    expect(only(runtime, 'ENV').map((e) => e.args).join(' ')).toMatch(new RegExp(`\\bPORT=${CONTAINER_PORT}\\b`));
  });

  it('should start the file tsconfig.build.json emits for src/app/server.ts', () => {
    const [cmd] = only(runtime, 'CMD');
    const argv = JSON.parse(cmd!.args) as string[]; // exec form: node is PID 1 and gets SIGTERM
    const [workdir] = only(runtime, 'WORKDIR').map((w) => w.args).slice(-1);
    expect(argv[0]).toBe('node');
    expect(path.posix.join(workdir!, argv.at(-1)!)).toBe(path.posix.join('/app', emittedFor('src/app/server.ts')));
    expect(argv.at(-1)).toBe('dist/app/server.js');
    expect(existsSync(path.join(REPO_ROOT, 'src/app/server.ts')), 'src/app/server.ts exists').toBe(true);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const ignore = new DockerIgnoreStrategy(REPO_ROOT, patterns);
  const ignored = (file: string) => ignore.ignores(path.join(REPO_ROOT, file));

  it('should keep node_modules, cdk.out, .git and local build output out of the build context', () => {
    for (const file of ['node_modules', 'node_modules/fastify/package.json', 'cdk.out', 'cdk.out/manifest.json', '.git', '.git/HEAD', 'dist', 'src/node_modules', '.env']) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it('should keep the local dev kit (src/local) out of the build context', () => {
    for (const file of ['src/local', 'src/local/local.ts', 'src/local/emulator/api-gateway-emulator.ts']) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it('should send everything the build stage copies', () => {
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'src/app/server.ts']) {
      expect(ignored(file), file).toBe(false);
    }
  });
});
