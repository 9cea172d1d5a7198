/**
 * `npm run dev`: runs the API locally under `wrangler dev`, with no account and no network.
 *
 * 1. Creates `.dev.vars` (the local API_TOKEN) from `.dev.vars.example` when it is missing.
 * 2. On first start, seeds the local KV with the demo documents (the marker lives in the local state folder,
 *    so deleting `.wrangler/` starts afresh).
 * 3. Starts `wrangler dev`, passing on any extra arguments: `npm run dev -- --port 9000`.
 */

import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { seedDemoData } from './seed-demo.ts'

const SEEDED_MARKER = '.wrangler/state/edge-etag-demo-seeded'

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log(
    'Created .dev.vars from .dev.vars.example: writes use  Authorization: Bearer dev-token-change-me',
  )
}

if (!existsSync(SEEDED_MARKER)) {
  await seedDemoData()
  mkdirSync('.wrangler/state', { recursive: true })
  writeFileSync(SEEDED_MARKER, `${new Date().toISOString()}\n`)
}

const wrangler = spawn('wrangler', ['dev', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  shell: process.platform === 'win32',
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal))
wrangler.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
