import { defineConfig } from 'vitest/config'

// `DOCK_TEST_STORES=sqlite,postgres` (what .ci/run sets) runs the suites that go
// through a test server (HTTP, client SDK, the reliability suites that take their
// store from test/helpers/test-stores.ts) once per store, each as its own vitest
// project. Suites that loop over both stores themselves (storage conformance, fuzz,
// two-node feed and kill tests, the adversarial service suite) run once.
const url = process.env['DOCK_TEST_DATABASE_URL'] ?? ''
const stores = (process.env['DOCK_TEST_STORES'] ?? 'sqlite')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '')
for (const s of stores) {
  if (s !== 'sqlite' && s !== 'postgres') throw new Error(`DOCK_TEST_STORES: unknown store ${s}`)
}
if (stores.includes('postgres') && url === '')
  throw new Error('DOCK_TEST_STORES includes postgres but DOCK_TEST_DATABASE_URL is unset')

/** Suites whose servers come from test/helpers (startTestServer, the client fixture): they follow DOCK_TEST_STORE. */
const PER_STORE = [
  'test/http/**/*.test.ts',
  'test/client/**/*.test.ts',
  'test/reliability/claims-model.test.ts',
  'test/reliability/lease-fencing.test.ts',
  'test/reliability/security.test.ts',
  'test/reliability/adversarial-edge.test.ts',
]

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
}

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        test: {
          ...shared,
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          // Shared suites (`*.case.ts`) only run through the files that import them.
          exclude: ['**/node_modules/**', 'dist/**'],
          env: { DOCK_TEST_STORE: 'sqlite' },
        },
      },
      ...(stores.includes('postgres')
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                include: PER_STORE,
                exclude: ['**/node_modules/**', 'dist/**'],
                env: { DOCK_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
})
