// Layering is enforced here, not remembered: data flows down src/ and each layer may only
// import the layers listed for it (see docs/principles.md).
import tseslint from 'typescript-eslint';

const layers = {
  core: [],
  sdk: ['core'],
  config: ['core'],
  parsers: ['core'],
  search: ['core'],
  storage: ['core', 'search'],
  ledger: ['core', 'storage'],
  sources: ['core', 'parsers', 'storage'],
  forwarders: ['core', 'ledger', 'storage'],
  detection: ['core', 'parsers', 'storage'],
  alerting: ['core', 'detection', 'storage'],
  review: ['core', 'detection', 'alerting', 'storage', 'ledger'],
  assess: ['core', 'parsers', 'detection', 'storage', 'search'],
  dashboard: ['core'],
};
const all = [
  'core', 'sdk', 'config', 'parsers', 'storage', 'search', 'ledger', 'sources', 'forwarders',
  'detection', 'alerting', 'review', 'assess', 'dashboard', 'server', 'cli',
];

const layerRules = Object.entries(layers).map(([layer, allowed]) => ({
  files: [`src/${layer}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: all
          .filter((l) => l !== layer && !allowed.includes(l))
          .map((l) => ({
            group: [`**/${l}/*`, `**/${l}`, `../${l}/**`],
            message: `src/${layer} may import only: ${allowed.join(', ') || 'nothing outside itself'} (docs/principles.md)`,
          })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'artifacts/**', 'coverage/**', 'src/dashboard/static/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
    },
  },
  ...layerRules,
);
