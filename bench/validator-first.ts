/**
 * Validator-first reads: what a 304 costs next to a 200, for a 1 KB and a 1 MB item, in one run.
 *
 * The worker is the bundle `wrangler deploy --dry-run` builds, served by workerd through the Miniflare API
 * (not `wrangler dev`, whose proxy adds milliseconds per request), with Miniflare's local KV. autocannon drives
 * it over loopback. The scenarios are interleaved and repeated, so drift of the machine shows as spread.
 *
 * Usage: npm run bench            (BENCH_SECONDS=5 BENCH_ROUNDS=3 by default)
 */

import autocannon from 'autocannon'
import { buildBundle, percentile, putItem, startWorker } from './local-worker.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 8

interface Scenario {
  name: string
  path: string
  conditional: boolean
}

interface Sample {
  requestsPerSecond: number
  p50: number
  p99: number
  bytesPerResponse: number
  non2xx3xx: number
}

/** itemOfSize returns a JSON object whose canonical form is about `bytes` long. */
function itemOfSize(bytes: number): object {
  const rows = Array.from({ length: Math.max(1, Math.floor(bytes / 100)) }, (_, index) => ({
    id: index,
    label: `row ${index} `.padEnd(60, 'x'),
    score: index / 7,
  }))
  return { rows }
}

async function seed(base: URL, id: string, bytes: number): Promise<string> {
  const response = await putItem(base, id, itemOfSize(bytes))
  const etag = response.headers.get('ETag')
  if (!response.ok || etag === null) throw new Error(`seeding ${id} failed: ${response.status}`)
  console.log(`seeded ${id}: ${(await response.arrayBuffer()).byteLength} bytes`)
  return etag
}

async function measure(base: URL, scenario: Scenario, etag: string): Promise<Sample> {
  const result = await autocannon({
    url: new URL(scenario.path, base).href,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: scenario.conditional ? { 'If-None-Match': etag } : {},
  })
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    non2xx3xx: result.non2xx - (scenario.conditional ? result.requests.total : 0),
  }
}

function median(values: number[]): number {
  return percentile(values, 50)
}

const scenarios: Scenario[] = [
  { name: 'item 1 KB, 200', path: '/api/items/small', conditional: false },
  { name: 'item 1 KB, 304', path: '/api/items/small', conditional: true },
  { name: 'item 1 MB, 200', path: '/api/items/large', conditional: false },
  { name: 'item 1 MB, 304', path: '/api/items/large', conditional: true },
]

const worker = await startWorker(buildBundle())
try {
  const base = worker.url
  const etags: Record<string, string> = {
    '/api/items/small': await seed(base, 'small', 1_000),
    '/api/items/large': await seed(base, 'large', 1_000_000),
  }
  const samples = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      const sample = await measure(base, scenario, etags[scenario.path] ?? '')
      samples.get(scenario.name)?.push(sample)
      console.log(`round ${round}: ${scenario.name}: ${sample.requestsPerSecond.toFixed(0)} req/s`)
    }
  }

  const rate = (name: string) => median((samples.get(name) ?? []).map((sample) => sample.requestsPerSecond))
  console.log(`\n${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, medians (min-max)\n`)
  console.log('| scenario | req/s | p50 ms | p99 ms | bytes/response | vs 200 of the same item |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const scenario of scenarios) {
    const runs = samples.get(scenario.name) ?? []
    const rates = runs.map((sample) => sample.requestsPerSecond)
    const baseline = rate(scenario.name.replace('304', '200'))
    console.log(
      `| ${scenario.name} | ${median(rates).toFixed(0)} (${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)}) ` +
        `| ${median(runs.map((s) => s.p50))} | ${median(runs.map((s) => s.p99))} ` +
        `| ${median(runs.map((s) => s.bytesPerResponse)).toFixed(0)} | ${(median(rates) / baseline).toFixed(1)}x |`,
    )
  }
} finally {
  await worker.stop()
}
