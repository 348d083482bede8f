/**
 * The import rules of the house (docs/architecture.md, "Layers"), checked by `npm run deps`
 * (part of `npm run check`, and so of `npm test`).
 *
 * runtime/ is layered; a module imports only its own folder and the layers below it:
 *   core                                      settings, lifecycle and signal types, the Sensor port,
 *                                             logging, shared value types
 *   transport | stores | models               the broker contract and clients, stores, records
 *   commit < streams < channels               acks and commits, streams, topics/channels/serde
 *   agents | tables | timers | leader |       the services; each declares what it needs from the
 *   assignor | sensors | web                  worker in its own host.ts (no imports of each other)
 *   worker                                    the running machinery and the ports' adapters
 *   app                                       App, main() and its commands
 *   testing                                   the test driver; only app/ may load it, lazily
 * The public entries (runtime/index.ts, runtime/core/index.ts, runtime/models/index.ts,
 * runtime/testing/index.ts) are what generator/ and cli/ may import of the runtime.
 */
const LOWER = {
  core: [],
  transport: ['core'],
  stores: ['core'],
  models: ['core'],
  commit: ['core', 'transport', 'stores', 'models'],
  streams: ['core', 'transport', 'stores', 'models', 'commit'],
  channels: ['core', 'transport', 'stores', 'models', 'commit', 'streams'],
};
const L2 = ['core', 'transport', 'stores', 'models', 'commit', 'streams', 'channels'];
for (const service of ['agents', 'tables', 'timers', 'leader', 'assignor', 'sensors', 'web']) {
  LOWER[service] = L2;
}
const SERVICES = ['agents', 'tables', 'timers', 'leader', 'assignor', 'sensors', 'web'];
LOWER.worker = [...L2, ...SERVICES];
LOWER.app = [...LOWER.worker, 'worker'];
LOWER.testing = [...LOWER.app, 'app'];

const FOLDERS = Object.keys(LOWER);

const layerRules = FOLDERS.map((folder) => ({
  name: `layer-${folder}`,
  comment: `runtime/${folder}/ may import only ${LOWER[folder].length ? LOWER[folder].join(', ') : 'itself'} (and itself)`,
  severity: 'error',
  from: { path: `^runtime/${folder}/` },
  to: {
    path: '^runtime/',
    pathNot: [`^runtime/${folder}/`, ...LOWER[folder].map((lower) => `^runtime/${lower}/`)],
    // app/ names the test driver's types and loads it only when testContext() is called.
    ...(folder === 'app' ? { dependencyTypesNot: ['dynamic-import', 'type-only'] } : {}),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles anywhere, of values or of types',
      severity: 'error',
      from: { path: '^(runtime|generator|cli)/' },
      to: { circular: true, viaOnly: { pathNot: '^runtime/testing/' } },
    },
    {
      name: 'no-circular-through-testing',
      comment:
        'the test driver imports the app it drives; app/ only names its types and loads it lazily (testContext()), so no value cycle may run through it',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import', 'type-only'] } },
    },
    {
      name: 'runtime-folders',
      comment: 'every runtime module lives in one of the layers (or is a public entry)',
      severity: 'error',
      from: { path: '^runtime/', pathNot: [`^runtime/(${FOLDERS.join('|')})/`, '^runtime/index\\.ts$'] },
      to: {},
    },
    ...layerRules,
    {
      name: 'testing-only-from-app',
      comment:
        'the core never imports the test kit: only app/ loads it, lazily, and the public entries export it',
      severity: 'error',
      from: { path: '^runtime/', pathNot: ['^runtime/testing/', '^runtime/app/'] },
      to: { path: '^runtime/testing/' },
    },
    {
      name: 'public-runtime-entries',
      comment: 'generator/ and cli/ use the runtime only through its public entries',
      severity: 'error',
      from: { path: '^(generator|cli)/' },
      to: {
        path: '^runtime/',
        pathNot: ['^runtime/index\\.ts$', '^runtime/(core|models|testing)/index\\.ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
