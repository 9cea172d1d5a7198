/**
 * `npm run dev`: runs the API locally under `wrangler dev`, with no account and no network.
 *
 * 1. Creates `.dev.vars` (the local API_TOKEN) from `.dev.vars.example` when it is missing.
 * 2. Seeds the local KV with the demo documents when the store wrangler will read has not been seeded: the
 *    marker lives in that store's folder (`.wrangler/state`, or the `--persist-to` folder) and names the KV
 *    namespace id, so deleting the folder, or changing the id in wrangler.toml, seeds again.
 * 3. Starts `wrangler dev`, passing on any extra arguments: `npm run dev -- --port 9000`.
 * 4. After seeding, once the server answers, backfills the seeded resources' indexes through the API
 *    (`POST /admin/reindex/<resource>`), as a deployed API's owner would: the seed writes documents straight
 *    into KV, and only a document's writer writes its index entries, so until then `?done=false` finds none.
 * 5. Ends wrangler, and so the server, when it is told to stop (SIGINT, SIGTERM, SIGHUP) or when the process
 *    that started it goes away: npm does not pass SIGTERM on, and the port must not stay taken.
 */

import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { backfillIndexes } from './backfill-indexes.ts'
import { seedDemoData } from './seed-demo.ts'

const args = process.argv.slice(2)

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log(
    'Created .dev.vars from .dev.vars.example: writes use  Authorization: Bearer dev-token-change-me',
  )
}

const persistTo = persistFolder(args)
const marker = join(persistTo ?? '.wrangler/state', `edge-etag-demo-seeded-${documentsNamespaceId()}`)
const seeded = existsSync(marker) ? [] : await seedDemoData(persistTo)
if (seeded.length > 0) {
  mkdirSync(join(marker, '..'), { recursive: true })
  writeFileSync(marker, `${new Date().toISOString()}\n`)
}

const wrangler = spawn('wrangler', ['dev', ...args], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  shell: process.platform === 'win32',
})
const stop = (signal: NodeJS.Signals) => {
  if (wrangler.exitCode === null && wrangler.signalCode === null) wrangler.kill(signal)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal))
// When the parent goes away without a word, this process is handed to another parent: stop then too.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM')
}, 500).unref()
wrangler.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

if (seeded.length > 0) {
  try {
    await backfillIndexes(`http://localhost:${option(args, '--port') ?? '8787'}`, devToken(), seeded)
  } catch (error) {
    // The server runs on; only queries miss the demo documents until they are indexed.
    console.error(
      `Could not index the demo documents (${String(error)}); see "Backfill an index" in docs/collections.md`,
    )
  }
}

/** persistFolder returns the folder given with `--persist-to DIR` or `--persist-to=DIR`, if any. */
function persistFolder(argv: readonly string[]): string | undefined {
  return option(argv, '--persist-to')
}

/** option returns the value given with `<name> VALUE` or `<name>=VALUE`, if any. */
function option(argv: readonly string[], name: string): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === name) return argv[index + 1]
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}

/** devToken reads API_TOKEN from .dev.vars, the token wrangler dev gives the worker. */
function devToken(): string {
  return /^API_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim() ?? ''
}

/** documentsNamespaceId reads the id of the DOCUMENTS namespace from wrangler.toml, which names the local store. */
function documentsNamespaceId(): string {
  const toml = readFileSync('wrangler.toml', 'utf8')
  const block = toml.split('[[kv_namespaces]]').find((part) => /binding\s*=\s*"DOCUMENTS"/.test(part)) ?? ''
  return /\bid\s*=\s*"([^"]+)"/.exec(block)?.[1]?.replace(/[^A-Za-z0-9._-]/g, '_') ?? 'unknown'
}
