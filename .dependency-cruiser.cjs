/**
 * The layer rules of tthc-flow, checked by `npm run lint` (dependency-cruiser). README's Layout
 * table explains the layers; docs/architecture.md says why each rule exists.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only imports included: each module can be read before the ones that use it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'domain/ imports nothing outside itself but zod: no I/O, no clock, no SDK; workflow code can use all of it.',
      from: { path: '^domain/' },
      to: { pathNot: ['^domain/', '^node_modules/zod/'] },
    },
    {
      name: 'workflows-are-deterministic',
      severity: 'error',
      comment:
        'workflows/ imports the domain, the contract, the Temporal workflow SDK, the event format (its schema-free ' +
        'constants and fact builders) and, as types only, anything else (activities, event schemas).',
      from: { path: '^workflows/' },
      to: {
        pathNot: [
          '^workflows/',
          '^domain/',
          '^contract/',
          '^events/constants\\.ts$',
          '^events/(dossier|feedback)-facts\\.ts$',
          '^node_modules/@temporalio/(workflow|common)/',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'only-workers-and-tests-import-workflows',
      severity: 'error',
      comment: 'Clients, the API, the CLI and infra talk to workflows through contract/ only.',
      from: { pathNot: ['^workflows/', '^workers/', '^test/'] },
      to: { path: '^workflows/' },
    },
    {
      name: 'audit-is-an-io-layer',
      severity: 'error',
      comment:
        'audit/ (the personal-data access log) is I/O like events/ and infra/: it uses domain/, events/, config/ and ' +
        'NATS, never a surface (api/, cli/, client/, stack/, simulation/, bench/), workers/ or workflows/.',
      from: { path: '^audit/' },
      to: { path: '^(api|cli|client|stack|simulation|bench|workers|workflows)/' },
    },
    {
      name: 'retention-is-an-io-layer',
      severity: 'error',
      comment:
        "retention/ (the retention index, the sweep and the erasure of a dossier's personal data) is I/O like audit/: " +
        'it uses domain/, contract/, encryption/, infra/, audit/, events/, rules/ and config/, never a surface ' +
        '(api/, cli/, client/, stack/, simulation/, bench/), workers/ or workflows/.',
      from: { path: '^retention/' },
      to: { path: '^(api|cli|client|stack|simulation|bench|workers|workflows)/' },
    },
    {
      name: 'identity-is-an-io-layer',
      severity: 'error',
      comment:
        'identity/ (the embedded OpenID Connect provider, the role-assignment table) is I/O like audit/: it uses ' +
        'domain/, config/ and NATS, never a surface (api/, cli/, client/, stack/, simulation/, bench/), workers/ or workflows/.',
      from: { path: '^identity/' },
      to: { path: '^(api|cli|client|stack|simulation|bench|workers|workflows)/' },
    },
    {
      name: 'integrations-are-io-layers',
      severity: 'error',
      comment:
        'portal/ (the portal sync, its adapter and emulator) and notifications/ (the notifier, the SMS and mail ' +
        'adapters and emulators) are I/O like retention/: they use domain/, contract/, encryption/, infra/, events/, ' +
        'rules/ and config/, never a surface (api/, cli/, client/, stack/, simulation/, bench/), workers/ or workflows/.',
      from: { path: '^(portal|notifications)/' },
      to: { path: '^(api|cli|client|stack|simulation|bench|workers|workflows)/' },
    },
    {
      name: 'contract-is-the-boundary',
      severity: 'error',
      comment:
        'contract/ holds what crosses the Temporal boundary: definitions over domain types, nothing that runs I/O.',
      from: { path: '^contract/' },
      to: { pathNot: ['^contract/', '^domain/', '^node_modules/@temporalio/(workflow|common)/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^\\.tools/', '^\\.data/', '^test/fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
