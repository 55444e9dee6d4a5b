// Lint holds the layer boundaries the README describes (domain → storage → service →
// edges), so a shortcut that reaches around a layer fails `npm run lint` instead of
// waiting for a reviewer to notice it.
import js from '@eslint/js'
import { importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

/**
 * `no-restricted-imports` patterns: one entry per layer that must not be reached from here;
 * `typesOnly` lets `import type` through (the layer's types, never its code).
 */
function forbid(...groups) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: groups.map(([group, message, typesOnly]) => ({
          group,
          message,
          ...(typesOnly === 'typesOnly' ? { allowTypeImports: true } : {}),
        })),
      },
    ],
  }
}

const API = ['**/api/*', '**/api/**']

const ADAPTERS = ['**/storage/sqlite/*', '**/storage/postgres/*']
const EDGES = ['**/http/*', '**/http/**', '**/mcp/*', '**/mcp/**', '**/cli/*', '**/cli/**', '**/web/*', '**/web/**']

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'dock-data/**', 'scratch/**', 'test/web/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-console': 'error',
    },
  },
  {
    // The domain is pure: types, rules and errors, no I/O and no other layer.
    files: ['src/domain/**'],
    rules: forbid(
      [['**/storage/*', '**/storage/**'], 'the domain knows no storage'],
      [['**/service/*', '**/service/**'], 'the domain knows no service'],
      [EDGES, 'the domain knows no edge'],
      [['**/client/*', '**/client/**'], 'the domain knows no client'],
      [API, 'the domain knows no API contract'],
    ),
  },
  {
    // The API contracts: one zod schema per operation, shared by every edge, the service and the SDK's types.
    files: ['src/api/**'],
    rules: forbid(
      [['**/storage/*', '**/storage/**'], 'the contracts know no storage'],
      [['**/service/*', '**/service/**'], 'the contracts know no service'],
      [EDGES, 'the contracts know no edge'],
      [['**/client/*', '**/client/**'], 'the contracts know no client'],
    ),
  },
  {
    files: ['src/storage/**'],
    rules: forbid(
      [['**/service/*', '**/service/**'], 'storage is below the service'],
      [EDGES, 'storage is below the edges'],
      [['**/client/*', '**/client/**'], 'storage is below the client'],
      [API, 'storage knows no API contract'],
    ),
  },
  {
    // The service talks to the Storage port; which adapter runs is the start-up module's choice.
    files: ['src/service/**'],
    rules: forbid(
      [ADAPTERS, 'the service uses the Storage port (storage/storage.ts), never an adapter'],
      [EDGES, 'the service is below the edges'],
      [['**/client/*', '**/client/**'], 'the service does not call its own SDK'],
    ),
  },
  {
    // Edges call the service; none reaches into storage except the start-up module that picks the adapter.
    files: ['src/http/**', 'src/mcp/**', 'src/cli/**'],
    ignores: ['src/http/serve.ts', 'src/cli/commands/serve.ts', 'src/**/start*.ts', 'src/**/open-*.ts', 'src/cli/commands/backup*.ts', 'src/cli/commands/restore*.ts', 'src/cli/commands/operator*.ts'],
    rules: forbid([['**/storage/*', '**/storage/**'], 'edges call the service, never storage']),
  },
  {
    // The SDK is what third parties import: it may share the domain's types, nothing server-side.
    files: ['src/client/**'],
    rules: forbid(
      [['**/storage/*', '**/storage/**', '**/service/*', '**/service/**'], 'the SDK talks HTTP, not to the server internals'],
      [EDGES, 'the SDK does not depend on an edge'],
      // Types only: the browser bundle must not carry zod.
      [API, 'the SDK takes the contracts as types only (import type)', 'typesOnly'],
    ),
  },
  {
    // The browser UI talks to Dock through the SDK only.
    files: ['src/web/**'],
    rules: forbid(
      [['**/storage/*', '**/storage/**', '**/service/*', '**/service/**', '**/http/*', '**/http/**', '**/mcp/*', '**/mcp/**', '**/cli/*', '**/cli/**'], 'the web UI may import only the client SDK and domain types'],
      [API, 'the web UI takes the contracts as types only (import type)', 'typesOnly'],
    ),
  },
  {
    files: ['src/cli/**', 'bench/**', 'test/**', 'bin/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests and benchmarks read API replies as loosely typed JSON on purpose: the
    // assertions are the type check there.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-useless-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
)
