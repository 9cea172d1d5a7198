import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { dropExpectedRuntimeNoise } from './test/expected-runtime-noise.ts'

// Wrangler, reading wrangler.toml for each test project, would say "Using secrets defined in .dev.vars" each
// time (`npm run dev` writes that file); the tests set their own token, so only its warnings are of interest.
process.env.WRANGLER_LOG ??= 'warn'
dropExpectedRuntimeNoise()

// Every test runs inside workerd, with the bindings of wrangler.toml and Miniflare's local KV. test/setup.ts makes
// a test without an assertion fail, in both projects.
const workers = () =>
  cloudflareTest({
    wrangler: { configPath: './wrangler.toml' },
    miniflare: { bindings: { API_TOKEN: 'test-token' } },
  })

export default defineConfig({
  test: {
    // Every request logs one JSON line (src/observability/trace-requests.ts); tests that check them spy on
    // console.log, and the rest would only bury a failure's output under thousands of them.
    onConsoleLog: (log) => !log.startsWith('{"message":"request"'),
    projects: [
      {
        // Tests that need Node: the OpenAPI validator reads its schemas from files. They import the app, which
        // never reaches a Durable Object there.
        resolve: {
          alias: {
            'cloudflare:workers': new URL('./test/node/cloudflare-workers.ts', import.meta.url).pathname,
          },
        },
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          isolate: true,
          setupFiles: ['./test/setup.ts'],
        },
      },
      {
        plugins: [workers()],
        // The pure core keeps no state, so its files share one worker instead of starting one each.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
          setupFiles: ['./test/setup.ts'],
        },
      },
      {
        plugins: [workers()],
        // Each file gets a worker, and so a KV, of its own. Writes to one item within a second wait for the
        // next (Last-Modified must move), so a test of several writes takes seconds on a loaded machine.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Chosen, not the default left in place: sharing workers would share one KV and one set of Durable
          // Objects between files, and their documents would meet.
          isolate: true,
          // Origin mode's tests need an origin: two replicas behind a round robin, on loopback.
          globalSetup: ['./test/global-setup/replica-origin.ts'],
          testTimeout: 30_000,
          setupFiles: ['./test/setup.ts'],
        },
      },
    ],
  },
})
