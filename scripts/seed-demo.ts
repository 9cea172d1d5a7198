/**
 * Seeds the local KV of `wrangler dev` with the demo documents of demo-data.json (items and tasks), stored
 * exactly as the API stores them: canonical JSON bytes, with {etag, lastModified, size} as metadata. It
 * reuses the worker's own modules, so the bytes and tags are the ones a PUT would produce.
 *
 * Usage: node scripts/seed-demo.ts   (run by `npm run dev` on first start)
 */

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalJson } from '../src/http/canonical-json.ts'
import { contentETag } from '../src/http/content-etag.ts'
import { formatHttpDate } from '../src/http/http-date.ts'
import { type DocumentMetadata, documentKey } from '../src/store/keys.ts'

type DemoData = Record<string, { id: string; value: Record<string, unknown> }[]>

/**
 * seedDemoData writes the demo documents into the local KV namespace bound as DOCUMENTS: the one under
 * `persistTo` when given (as `wrangler dev --persist-to` reads it), else wrangler's default local store. It
 * returns the resources it seeded, whose indexes then need their entries (scripts/backfill-indexes.ts).
 */
export async function seedDemoData(persistTo?: string): Promise<string[]> {
  const demo: DemoData = JSON.parse(readFileSync(new URL('./demo-data.json', import.meta.url), 'utf8'))
  const lastModified = formatHttpDate(Date.now() / 1000)
  const entries = await Promise.all(
    Object.entries(demo).flatMap(([resource, documents]) =>
      documents.map(async ({ id, value }) => {
        const text = canonicalJson(value)
        const bytes = new TextEncoder().encode(text)
        const metadata: DocumentMetadata = {
          etag: await contentETag(bytes),
          lastModified,
          size: bytes.byteLength,
        }
        return { key: documentKey(resource, id), value: text, metadata }
      }),
    ),
  )

  const folder = mkdtempSync(join(tmpdir(), 'edge-etag-seed-'))
  const file = join(folder, 'documents.json')
  writeFileSync(file, JSON.stringify(entries))
  try {
    const where = persistTo === undefined ? [] : ['--persist-to', persistTo]
    const result = spawnSync(
      'wrangler',
      ['kv', 'bulk', 'put', file, '--binding', 'DOCUMENTS', '--local', ...where],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
        shell: process.platform === 'win32',
      },
    )
    if (result.status !== 0) throw new Error(`wrangler kv bulk put exited with ${result.status}`)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  const summary = Object.entries(demo).map(
    ([resource, documents]) => `${resource}: ${documents.map((d) => d.id).join(', ')}`,
  )
  console.log(`Seeded the local KV with demo documents (${summary.join('; ')})`)
  return Object.keys(demo)
}

if (import.meta.main) await seedDemoData()
