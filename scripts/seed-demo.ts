/**
 * Seeds the local KV of `wrangler dev` with the demo items of demo-items.json, stored exactly as the API
 * stores them: canonical JSON bytes, with {etag, lastModified} as metadata. It reuses the worker's own
 * modules, so the bytes and tags are the ones a PUT would produce.
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
import { itemKey } from '../src/store/keys.ts'

interface DemoItem {
  id: string
  value: Record<string, unknown>
}

/** seedDemoItems writes the demo items into the local KV namespace bound as ITEMS. */
export async function seedDemoItems(): Promise<void> {
  const demo: DemoItem[] = JSON.parse(readFileSync(new URL('./demo-items.json', import.meta.url), 'utf8'))
  const lastModified = formatHttpDate(Date.now() / 1000)
  const entries = await Promise.all(
    demo.map(async ({ id, value }) => {
      const text = canonicalJson(value)
      const etag = await contentETag(new TextEncoder().encode(text))
      return { key: itemKey(id), value: text, metadata: { etag, lastModified } }
    }),
  )

  const folder = mkdtempSync(join(tmpdir(), 'edge-etag-seed-'))
  const file = join(folder, 'items.json')
  writeFileSync(file, JSON.stringify(entries))
  try {
    const result = spawnSync('wrangler', ['kv', 'bulk', 'put', file, '--binding', 'ITEMS', '--local'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      shell: process.platform === 'win32',
    })
    if (result.status !== 0) throw new Error(`wrangler kv bulk put exited with ${result.status}`)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  console.log(
    `Seeded ${entries.length} demo items into the local KV: ${demo.map((item) => item.id).join(', ')}`,
  )
}

if (import.meta.main) await seedDemoItems()
