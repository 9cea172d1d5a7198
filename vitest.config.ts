import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Every test file runs inside workerd, with the bindings of wrangler.toml and Miniflare's local KV.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: { API_TOKEN: 'test-token' } },
    }),
  ],
  test: { include: ['test/**/*.test.ts'] },
})
