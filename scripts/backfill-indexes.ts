/**
 * Backfills the indexes of some resources through a running server's API: `POST /admin/reindex/<resource>`,
 * following `next` until it is null, as docs/collections.md tells a deployed API's owner to. `npm run dev`
 * runs it after seeding the demo documents, which go straight into KV, past the writers that index them.
 *
 * Usage: node scripts/backfill-indexes.ts <base URL> <token> <resource>...
 */

const READY_TIMEOUT_MS = 90_000

/**
 * backfillIndexes waits until the server at `base` answers, then reindexes every document of each resource.
 *
 * @example await backfillIndexes('http://localhost:8787', 'dev-token-change-me', ['tasks'])
 */
export async function backfillIndexes(
  base: string,
  token: string,
  resources: readonly string[],
): Promise<void> {
  await untilAnswering(new URL('/openapi.json', base))
  const written: string[] = []
  for (const resource of resources) {
    let entries = 0
    for (let next: string | null = `/admin/reindex/${resource}`; next !== null; ) {
      const response = await fetch(new URL(next, base), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      })
      if (!response.ok) {
        throw new Error(`POST ${next} answered ${response.status}: ${await response.text()}`)
      }
      const page = (await response.json()) as { entries: number; next: string | null }
      entries += page.entries
      next = page.next
    }
    if (entries > 0) written.push(`${resource}: ${entries}`)
  }
  if (written.length > 0)
    console.log(`Indexed the demo documents for their queries (${written.join('; ')} entries)`)
}

async function untilAnswering(url: URL): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).arrayBuffer()
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url.origin} did not answer: ${String(error)}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

if (import.meta.main) {
  const [base = 'http://localhost:8787', token = '', ...resources] = process.argv.slice(2)
  await backfillIndexes(base, token, resources)
}
