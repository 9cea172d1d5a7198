/**
 * Origin mode's savings for a revalidating client: what a client that sends back the ETag it holds (as browsers
 * and HTTP caches do) costs when it talks to a two-replica origin directly, and through edge-etag. The replicas
 * (scripts/replica-origin.ts) serve the same JSON with different ETags behind a round robin, so the tag a client
 * holds is usually the other replica's, and it gets a full 200 every time; through edge-etag it holds one tag,
 * gets 304s, and the origin, asked with its own replicas' tags, answers 304s too. The document changes once
 * halfway, so both clients must see the change. Counts, not timings: bytes are bytes on any machine.
 *
 * Usage: npm run bench:origin   (about 20 s; writes bench/results/origin.md); `npm run bench` includes it.
 */

import { writeFileSync } from 'node:fs'
import { type ReplicaStats, startReplicaOrigin } from '../scripts/replica-origin.ts'
import { buildBundle, startWorker } from './local-worker.ts'
import { itemOfSize } from './payloads.ts'

const REQUESTS = 100
const DOCUMENTS = [
  { label: '~100 B', path: '/users/1', seed: null },
  { label: '~10 KB', path: '/catalog', seed: itemOfSize(10_000) },
]

/** Tally is what one client's run of revalidations cost. */
interface Tally {
  fullToClient: number
  notModifiedToClient: number
  bytesToClient: number
  originFull: number
  originNotModified: number
  originBytes: number
}

type Stats = Record<'a' | 'b', ReplicaStats>

async function originStats(origin: URL): Promise<Stats> {
  return (await fetch(new URL('/__replicas/stats', origin))).json() as Promise<Stats>
}

async function setDocument(origin: URL, path: string, value: unknown): Promise<void> {
  const response = await fetch(new URL(`/__replicas/documents${path}`, origin), {
    method: 'PUT',
    body: JSON.stringify(value),
  })
  if (response.status !== 204) throw new Error(`changing ${path} at the origin failed: ${response.status}`)
}

/** revalidate runs REQUESTS GETs of `url`, each with the ETag last received, changing the document halfway. */
async function revalidate(url: URL, origin: URL, path: string, changed: unknown): Promise<Tally> {
  const before = await originStats(origin)
  const tally = { fullToClient: 0, notModifiedToClient: 0, bytesToClient: 0 }
  let etag: string | null = null
  for (let index = 0; index < REQUESTS; index++) {
    if (index === REQUESTS / 2) await setDocument(origin, path, changed)
    const response = await fetch(url, {
      headers: { 'Accept-Encoding': 'identity', ...(etag === null ? {} : { 'If-None-Match': etag }) },
    })
    const body = await response.arrayBuffer()
    if (response.status === 304) tally.notModifiedToClient++
    else if (response.status === 200) {
      tally.fullToClient++
      etag = response.headers.get('ETag')
    } else throw new Error(`GET ${url}: ${response.status}`)
    tally.bytesToClient += body.byteLength
  }
  const after = await originStats(origin)
  const delta = (field: keyof ReplicaStats) =>
    after.a[field] + after.b[field] - before.a[field] - before.b[field]
  return {
    ...tally,
    originFull: delta('full'),
    originNotModified: delta('notModified'),
    originBytes: delta('bodyBytes'),
  }
}

function row(document: string, client: string, tally: Tally): string {
  return `| ${document} | ${client} | ${tally.fullToClient} | ${tally.notModifiedToClient} | ${tally.bytesToClient} | ${tally.originFull} | ${tally.originNotModified} | ${tally.originBytes} |`
}

/**
 * measureOriginSavings runs both clients against each document and returns the results as markdown lines.
 *
 * @example const lines = await measureOriginSavings(buildBundle('dist/bench', 'bench/wrangler.bench.toml'))
 */
export async function measureOriginSavings(bundlePath: string): Promise<string[]> {
  const origin = await startReplicaOrigin()
  const worker = await startWorker(bundlePath, {
    ORIGIN_URL: origin.url.href,
    ORIGIN_PREFIX: '/legacy',
    BENCH_KV: 'miniflare',
  })
  const lines = [
    '## Origin mode: a revalidating client, direct to a two-replica origin and through edge-etag',
    '',
    `Command: \`npm run bench:origin\`. ${REQUESTS} GETs per client, each sending back the ETag it last received; the document changes at the origin after ${REQUESTS / 2}. The replicas disagree on ETags (round robin). Counts of bodies and bytes, from the client's side and from the replicas' own counters.`,
    '',
    '| document | client | 200s to the client | 304s to the client | body bytes to the client | full bodies from the origin | 304s from the origin | body bytes from the origin |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const summary: string[] = []
  try {
    for (const { label, path, seed } of DOCUMENTS) {
      for (const via of ['direct', 'edge-etag'] as const) {
        await fetch(new URL('/__replicas/reset', origin.url), { method: 'POST' })
        if (seed !== null) await setDocument(origin.url, path, seed)
        const url = via === 'direct' ? new URL(path, origin.url) : new URL(`/legacy${path}`, worker.url)
        const changed = { ...(seed ?? { id: 1, name: 'Ada King' }), changed: true }
        const tally = await revalidate(url, origin.url, path, changed)
        lines.push(row(label, via === 'direct' ? 'direct to the origin' : 'through edge-etag', tally))
        summary.push(
          `${label} ${via}: ${tally.bytesToClient} B to the client, ${tally.originFull} full origin bodies`,
        )
      }
    }
  } finally {
    await worker.stop()
    await origin.stop()
  }
  lines.push(
    '',
    'Every client request still reaches the origin (edge-etag revalidates each one, as `no-cache`/`max-age=0` ask); what it saves is the bodies: the origin answers most of them with a 304 to its own replica tags, and the client gets a 304 for ours.',
  )
  for (const line of summary) console.log(line)
  return lines
}

if (import.meta.main) {
  const lines = await measureOriginSavings(buildBundle('dist/bench', 'bench/wrangler.bench.toml'))
  writeFileSync('bench/results/origin.md', `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
}
