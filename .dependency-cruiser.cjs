/** Hexagonal dependency rules for socketpost. `npm run depcruise` fails on any violation. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is plain TypeScript: it may use its own files and the port interfaces, nothing else (no adapters, app, SDKs, frameworks, Node built-ins).',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'domain-uses-ports-as-types',
      comment: 'The domain sees ports as interfaces only (import type); tokens are for the composition root.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/ports/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-only-domain',
      comment: 'src/ports holds interfaces and tokens that speak the domain language only.',
      severity: 'error',
      from: { path: '^src/ports' },
      to: { pathNot: '^src/(ports|domain)' },
    },
    {
      name: 'adapters-not-app',
      comment: 'Adapters are wired by the composition root, never the other way round.',
      severity: 'error',
      from: { path: '^src/adapters', pathNot: '^src/adapters/lambda/' },
      to: { path: '^src/app' },
    },
    {
      name: 'production-not-local',
      comment: 'src/local is the local dev kit (emulator, DynamoDB Local launcher, local stack, CLI tools). The deployed service never imports it, and the build never ships it.',
      severity: 'error',
      from: { path: '^src/(domain|ports|adapters|app)/' },
      to: { path: '^src/local/' },
    },
    {
      name: 'clients-stand-alone',
      comment: 'src/clients are the libraries other services and browsers import (socketpost/client, socketpost/ws-client): they speak HTTP and WebSocket only, never the service\'s own code.',
      severity: 'error',
      from: { path: '^src/clients/' },
      to: { path: '^src/(domain|ports|adapters|app|local)/' },
    },
    {
      name: 'production-not-clients',
      comment: 'The deployed service never imports the client libraries (src/local may, to bundle them for the console).',
      severity: 'error',
      from: { path: '^src/(domain|ports|adapters|app)/' },
      to: { path: '^src/clients/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
    // The console's browser scripts import each other by URL (`/console/…`), as the page loads them.
    exclude: { path: ['\\.test\\.ts$', '^src/local/console/assets/'] },
  },
};
