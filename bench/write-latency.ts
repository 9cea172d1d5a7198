/**
 * Write latency: PUTs with If-Match, one after another, spread over a few items, timed at the client.
 *
 * Usage: npm run bench:writes                      (the current code)
 *        BUNDLE=path/to/index.js npm run bench:writes   (any other build, e.g. an older commit's
 *                                                    `wrangler deploy --dry-run --outdir` output)
 */

import { buildBundle, percentile, putItem, startWorker } from './local-worker.ts'

const WRITES = Number(process.env.BENCH_WRITES ?? 60)
const ITEMS = 6

const worker = await startWorker(process.env.BUNDLE ?? buildBundle())
try {
  const etags = new Map<string, string>()
  for (let index = 0; index < ITEMS; index++) {
    const response = await putItem(worker.url, `w${index}`, { index, n: 0 })
    etags.set(`w${index}`, response.headers.get('ETag') ?? '')
  }
  const latencies: number[] = []
  for (let n = 1; n <= WRITES; n++) {
    const id = `w${n % ITEMS}`
    const started = performance.now()
    const response = await putItem(worker.url, id, { id, n }, { 'If-Match': etags.get(id) ?? '' })
    await response.arrayBuffer()
    latencies.push(performance.now() - started)
    if (!response.ok) throw new Error(`PUT ${id} answered ${response.status}`)
    etags.set(id, response.headers.get('ETag') ?? '')
  }
  const ms = (value: number) => value.toFixed(1)
  console.log(`${WRITES} sequential PUTs with If-Match over ${ITEMS} items`)
  console.log(
    `p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms, max ${ms(Math.max(...latencies))} ms`,
  )
} finally {
  await worker.stop()
}
