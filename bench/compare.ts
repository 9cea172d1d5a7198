/**
 * The benchmark: every read path of the API next to its baselines, in one run, at three payload sizes.
 *
 * Targets: the API (`/api/items/...`), the same payload with plain `c.json()` (the floor), and that route behind
 * Hono's `etag()` middleware, each for an item of about 1 KB, 100 KB and 1 MB, for the items collection holding
 * the three, and for a collection page of 100 documents of about 1 KB, as a 200 and as a 304 (matching
 * If-None-Match). The worker is the bench bundle
 * (bench-worker.ts, built by `wrangler deploy --dry-run`), first served by `workerd serve` alone with a
 * floor-cost in-memory KV (the worker's own cost), then through the Miniflare API with its KV simulator. wrk (Debian's
 * apt; autocannon when wrk is missing) drives it over loopback; on Linux, workerd is pinned to CPU 1 and the
 * driver to CPU 0.
 * Scenarios are interleaved and repeated; medians are reported with their spread, and ratios against the
 * plain 200 of the same payload measured in the same run. CPU per request is workerd's own CPU time (user +
 * system, from /proc) over the requests it served, so it includes the runtime's HTTP work: an upper bound.
 *
 * Usage: npm run bench     (BENCH_SECONDS=3 BENCH_ROUNDS=2 by default; writes bench/results/latest.md and .svg)
 */

import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { buildBundle, percentile, startWorker, TOKEN } from './local-worker.ts'
import { serveWithWorkerd } from './workerd-serve.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const CONNECTIONS = 8
const SIZES = [
  { label: '1 KB', id: 'size-1k', bytes: 1_000 },
  { label: '100 KB', id: 'size-100k', bytes: 100_000 },
  { label: '1 MB', id: 'size-1m', bytes: 1_000_000 },
]

interface Scenario {
  payload: string
  target: 'plain' | 'hono etag()' | 'edge-etag'
  path: string
  conditional: boolean
}

interface Sample {
  rate: number
  p50: number
  p99: number
  bytes: number
  cpuMs: number
  errors: number
}

function scenariosFor(payload: string, paths: Record<Scenario['target'], string>): Scenario[] {
  return [
    { payload, target: 'plain', path: paths.plain, conditional: false },
    { payload, target: 'hono etag()', path: paths['hono etag()'], conditional: false },
    { payload, target: 'hono etag()', path: paths['hono etag()'], conditional: true },
    { payload, target: 'edge-etag', path: paths['edge-etag'], conditional: false },
    { payload, target: 'edge-etag', path: paths['edge-etag'], conditional: true },
  ]
}

/** PAGE_DOCUMENTS is how many documents of about 1 KB the collection-page rows store: one page of 100. */
const PAGE_DOCUMENTS = 100

const scenarios: Scenario[] = [
  ...SIZES.flatMap(({ label, id }) =>
    scenariosFor(`item ${label}`, {
      plain: `/bench/plain/items/${id}`,
      'hono etag()': `/bench/hono-etag/items/${id}`,
      'edge-etag': `/api/items/${id}`,
    }),
  ),
  ...scenariosFor('collection of the 3 (~1.1 MB)', {
    plain: '/bench/plain-page/items',
    'hono etag()': '/bench/hono-etag-page/items',
    'edge-etag': '/api/items',
  }),
  ...scenariosFor(`page of ${PAGE_DOCUMENTS} x 1 KB`, {
    plain: '/bench/plain-page/pages',
    'hono etag()': '/bench/hono-etag-page/pages',
    'edge-etag': '/api/pages',
  }),
]

/** itemOfSize returns a JSON object whose canonical form is about `bytes` long. */
function itemOfSize(bytes: number): object {
  const rows = Array.from({ length: Math.max(1, Math.floor(bytes / 100)) }, (_, index) => ({
    id: index,
    label: `row ${index} `.padEnd(60, 'x'),
    score: index / 7,
  }))
  return { rows }
}

/** workerdPids finds the workerd processes this process started (Linux; empty elsewhere). */
function workerdPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').trim()
        const [, comm = '', rest = ''] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? []
        return comm === 'workerd' && Number(rest.split(' ')[1]) === process.pid
      })
      .map(Number)
  } catch {
    return []
  }
}

/** cpuMs returns the user + system CPU time of some processes, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pids: number[]): number {
  return pids.reduce((total, pid) => {
    const fields = (/\) (.*)$/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8').trim())?.[1] ?? '').split(' ')
    return total + (Number(fields[11]) + Number(fields[12])) * 10
  }, 0)
}

function pin(pid: number, cpu: number): void {
  spawnSync('taskset', ['-apc', String(cpu), String(pid)], { stdio: 'ignore' })
}

/** Load is one load generator's account of a run. */
interface Load {
  rate: number
  p50: number
  p99: number
  requests: number
  bytes: number
  unexpected: number
}

/** wrk (C, from Debian's apt) drives the server harder than autocannon, so the worker, not the driver, is measured. */
function loadWithWrk(url: string, headers: Record<string, string>): Load {
  const args = [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    '--latency',
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    url,
  ]
  const output = spawnSync('wrk', args, { encoding: 'utf8' }).stdout
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? Number.NaN)
  const ms = (percent: string) => {
    const [, value = 'NaN', unit = 'ms'] =
      new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(output) ?? []
    return Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1)
  }
  const [, amount = '0', unit = 'B'] = /requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read/.exec(output) ?? []
  const scale = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit] ?? 1
  const requests = number(/(\d+) requests in/)
  return {
    rate: number(/Requests\/sec:\s+([\d.]+)/),
    p50: ms('50'),
    p99: ms('99'),
    requests,
    bytes: (Number(amount) * scale) / Math.max(1, requests),
    unexpected: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
  }
}

async function loadWithAutocannon(url: string, headers: Record<string, string>): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers })
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bytes: result.throughput.total / Math.max(1, result.requests.total),
    unexpected: result.non2xx + result.errors + result.timeouts,
  }
}

const HAS_WRK = spawnSync('wrk', ['--version']).error === undefined

async function measure(base: URL, scenario: Scenario, etag: string, pids: number[]): Promise<Sample> {
  const before = cpuMs(pids)
  const url = new URL(scenario.path, base).href
  const headers: Record<string, string> = scenario.conditional ? { 'If-None-Match': etag } : {}
  const load = HAS_WRK ? loadWithWrk(url, headers) : await loadWithAutocannon(url, headers)
  // A 304 is a 3xx, which both generators count as expected; a 200 where a 304 was wanted shows in the bytes.
  return {
    rate: load.rate,
    p50: load.p50,
    p99: load.p99,
    bytes: load.bytes,
    cpuMs: pids.length > 0 ? (cpuMs(pids) - before) / Math.max(1, load.requests) : Number.NaN,
    errors: load.unexpected,
  }
}

async function runWith(kv: 'memory' | 'miniflare', scriptPath: string): Promise<Map<Scenario, Sample[]>> {
  // The floor-cost KV runs under `workerd serve` alone; Miniflare's KV needs Miniflare, and its entry worker.
  const worker: { url: URL; stop: () => Promise<void>; pid?: number } =
    kv === 'memory' ? await serveWithWorkerd(scriptPath) : await startWorker(scriptPath, { BENCH_KV: kv })
  try {
    const pids = worker.pid === undefined ? workerdPids() : [worker.pid]
    for (const pid of pids) pin(pid, 1)
    pin(process.pid, 0) // wrk, started from this process, inherits the pinning
    const documents = [
      ...SIZES.map(({ id, bytes }) => ({ path: `items/${id}`, value: itemOfSize(bytes) })),
      ...Array.from({ length: PAGE_DOCUMENTS }, (_, index) => ({
        path: `pages/p${String(index).padStart(3, '0')}`,
        value: itemOfSize(1_000),
      })),
    ]
    for (const { path, value } of documents) {
      const response = await fetch(new URL(`/bench/seed/${path}`, worker.url), {
        method: 'PUT',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(value),
      })
      if (!response.ok) throw new Error(`seeding ${path} failed: ${response.status}`)
    }
    const etags = new Map<string, string>()
    for (const { path } of scenarios) {
      const response = await fetch(new URL(path, worker.url))
      await response.arrayBuffer()
      etags.set(path, response.headers.get('ETag') ?? '')
    }
    const samples = new Map<Scenario, Sample[]>(scenarios.map((scenario) => [scenario, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of scenarios) {
        const sample = await measure(worker.url, scenario, etags.get(scenario.path) ?? '', pids)
        samples.get(scenario)?.push(sample)
        console.log(
          `${kv} KV, round ${round}: ${scenario.payload}, ${scenario.target} ${scenario.conditional ? 304 : 200}: ${sample.rate.toFixed(0)} req/s`,
        )
      }
    }
    return samples
  } finally {
    await worker.stop()
  }
}

function report(kv: string, samples: Map<Scenario, Sample[]>): string {
  const median = (values: number[]) => percentile(values, 50)
  const rateOf = (scenario: Scenario) => median((samples.get(scenario) ?? []).map((sample) => sample.rate))
  const lines = [
    `### ${kv} KV`,
    '',
    '| payload | target | answer | req/s (min-max) | p50 ms | p99 ms | bytes/response | vs plain 200 | CPU ms/req | errors |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const scenario of scenarios) {
    const runs = samples.get(scenario) ?? []
    const rates = runs.map((sample) => sample.rate)
    const plain = scenarios.find((other) => other.payload === scenario.payload && other.target === 'plain')
    const ratio = plain ? rateOf(scenario) / rateOf(plain) : Number.NaN
    lines.push(
      `| ${scenario.payload} | ${scenario.target} | ${scenario.conditional ? 304 : 200} ` +
        `| ${median(rates).toFixed(0)} (${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)}) ` +
        `| ${median(runs.map((s) => s.p50))} | ${median(runs.map((s) => s.p99))} ` +
        `| ${median(runs.map((s) => s.bytes)).toFixed(0)} | ${ratio.toFixed(2)}x ` +
        `| ${median(runs.map((s) => s.cpuMs)).toFixed(2)} | ${runs.reduce((total, s) => total + s.errors, 0)} |`,
    )
  }
  return lines.join('\n')
}

/** chart draws the ratios against the plain 200 as horizontal bars, one per scenario. */
function chart(kv: string, samples: Map<Scenario, Sample[]>): string {
  const rateOf = (scenario: Scenario) =>
    percentile(
      (samples.get(scenario) ?? []).map((sample) => sample.rate),
      50,
    )
  const rows = scenarios.map((scenario) => {
    const plain = scenarios.find((other) => other.payload === scenario.payload && other.target === 'plain')
    return {
      label: `${scenario.payload} · ${scenario.target} ${scenario.conditional ? 304 : 200}`,
      ratio: plain ? rateOf(scenario) / rateOf(plain) : 0,
      ours: scenario.target === 'edge-etag',
    }
  })
  const max = Math.max(...rows.map((row) => row.ratio), 1)
  const width = 900
  const bar = (ratio: number) => (ratio / max) * 480
  const body = rows
    .map((row, index) => {
      const y = 40 + index * 22
      const fill = row.ours ? '#f38020' : '#8a8a8a'
      return `<text x="330" y="${y + 14}" text-anchor="end" font-size="12">${row.label}</text><rect x="340" y="${y}" width="${bar(row.ratio).toFixed(1)}" height="16" fill="${fill}"/><text x="${(345 + bar(row.ratio)).toFixed(1)}" y="${y + 13}" font-size="12">${row.ratio.toFixed(2)}x</text>`
    })
    .join('\n')
  const height = 60 + rows.length * 22
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="10" y="22" font-size="15">Requests/s relative to the plain c.json() 200 of the same payload (${kv} KV)</text>\n${body}\n</svg>\n`
}

const bundle = buildBundle('dist/bench', 'bench/wrangler.bench.toml')
const results: string[] = [
  '# Benchmark results',
  '',
  `Command: \`npm run bench\` (${ROUNDS} rounds x ${SECONDS} s per scenario, ${CONNECTIONS} connections, interleaved; medians, spread in brackets). Generated ${new Date().toISOString()}.`,
  '',
]
let memorySamples: Map<Scenario, Sample[]> | undefined
for (const kv of ['memory', 'miniflare'] as const) {
  const samples = await runWith(kv, bundle)
  if (kv === 'memory') memorySamples = samples
  results.push(report(kv, samples), '')
}
writeFileSync('bench/results/latest.md', `${results.join('\n')}\n`)
if (memorySamples) writeFileSync('bench/results/latest.svg', chart('memory', memorySamples))
console.log(`\n${results.join('\n')}`)
