/**
 * The floor bench: edge-etag beside the bare workers a user would otherwise write (bench/floor/bare-worker.ts),
 * and beside copies of itself with one step taken out at a time (bench/floor/variants.ts), in one run.
 *
 * Every target is its own `workerd serve` (the workerd that `wrangler dev` runs) of a bundle built the way
 * wrangler builds one, with Workers KV a separate in-memory service in the same process
 * (bench/floor/kv-service.js), so that each KV call leaves the isolate as on Cloudflare; edge-etag runs with the
 * settings of wrangler.toml. wrk drives each route over loopback; on Linux the servers are pinned to CPU 1 and
 * wrk to CPU 0. The rows of one group (a document size, or a page) run one after another, then in the reverse
 * order, and so on for FLOOR_ROUNDS rounds, so that slow drift of the machine cancels in the ratios: each ratio
 * is the median, over rounds, of the ratio of two rows of the same round. A step's cost is the median, over
 * rounds, of the difference in time per request between edge-etag and the variant without that step.
 *
 * Usage: npm run bench:floor    (FLOOR_SECONDS=3 FLOOR_ROUNDS=4; FLOOR_PROFILE=0 skips the variants;
 *        writes bench/results/floor.md, or into FLOOR_RESULTS=<folder>)
 */

import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { unstable_readConfig } from 'wrangler'
import { VARIANTS, type Variant } from './floor/variants.ts'
import { itemOfSize } from './payloads.ts'

const SECONDS = Number(process.env.FLOOR_SECONDS ?? 3)
const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 4)
const PROFILE = process.env.FLOOR_PROFILE !== '0'
const RESULTS = process.env.FLOOR_RESULTS ?? 'bench/results'
const CONNECTIONS = 4
// Each row is warmed before the rounds: JIT compilation of a page's path takes a few seconds of load.
const WARM_SECONDS = Number(process.env.FLOOR_WARM_SECONDS ?? 3)
const TOKEN = 'floor-bench-token'
const PINNED = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0
// FLOOR_VARIANTS=control,no-trace profiles only those variants.
const PROFILED = VARIANTS.filter(
  (variant) => PROFILE && (process.env.FLOOR_VARIANTS?.split(',').includes(variant.name) ?? true),
)
/** What the bench reads of wrangler.toml. */
interface ProjectConfig {
  readonly compatibility_date: string
  readonly minify?: boolean
  readonly compatibility_flags: readonly string[]
  readonly vars: Readonly<Record<string, unknown>>
  readonly durable_objects: { readonly bindings: readonly { name: string; class_name: string }[] }
}
const config = unstable_readConfig({ config: 'wrangler.toml' }) as unknown as ProjectConfig
// The workerd that wrangler (and so `npm run dev`) runs.
const WORKERD: string = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'))(
  'workerd',
).default

/** The documents: one per size, and 100 of 1 KB that make page 1 of the items. */
const SIZES = [
  { label: '1 KB', id: 'z-1k', bytes: 1_000 },
  { label: '100 KB', id: 'z-100k', bytes: 100_000 },
  // Just under the 1 MiB that MAX_BODY_BYTES allows by default (itemOfSize overshoots by about 7%).
  { label: '1 MB', id: 'z-1m', bytes: 975_000 },
]
const PAGE_MEMBERS = Array.from({ length: 100 }, (_, index) => `a-${String(index).padStart(3, '0')}`)

// ---------- building and serving ----------

interface Server {
  readonly name: string
  readonly url: string
  readonly pid: number
  readonly stop: () => void
}

// Replaces text in the project's sources as they are bundled: how a variant takes one step out. Each
// replacement must match exactly once, so a variant that no longer fits the code fails loudly.
function patching(variant: Variant | undefined): Plugin {
  return {
    name: 'variant',
    setup(builder) {
      if (variant === undefined) return
      builder.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
        const file = args.path.slice(args.path.lastIndexOf('/src/') + 1)
        const edits = variant.edits.filter((edit) => edit.file === file)
        if (edits.length === 0) return undefined
        let text = readFileSync(args.path, 'utf8')
        for (const { find, replace } of edits) {
          if (text.split(find).length !== 2)
            throw new Error(`${variant.name}: "${find}" is not once in ${file}`)
          text = text.replace(find, () => replace)
        }
        return { contents: text, loader: 'ts' }
      })
    },
  }
}

async function bundle(entry: string, outdir: string, variant?: Variant): Promise<void> {
  const result = await build({
    entryPoints: { worker: entry },
    outdir,
    bundle: true,
    format: 'esm',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    // As wrangler bundles for deploy.
    keepNames: true,
    minify: config.minify === true,
    logLevel: 'silent',
    plugins: [patching(variant)],
  })
  if (result.errors.length > 0) throw new Error(`bundling ${entry} failed`)
  const edited = variant?.edits.map((edit) => edit.file) ?? []
  for (const file of edited) {
    if (!readFileSync(join(outdir, 'worker.js'), 'utf8').includes(`// ${file}`))
      throw new Error(`${variant?.name}: ${file} is not part of the bundle`)
  }
}

function capnp(port: number, bindings: string[], objects: string, folder: string): string {
  // nodejs_compat is on by default at this date; workerd warns when it is named.
  const flags = config.compatibility_flags.filter((flag) => flag !== 'nodejs_compat')
  const compatibility = `compatibilityDate = "${config.compatibility_date}", compatibilityFlags = ${JSON.stringify(flags)}`
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = [(name = "worker.js", esModule = embed "worker.js")], ${compatibility},
      bindings = [${bindings.join(', ')}]${objects})),
    (name = "objects", disk = (path = ${JSON.stringify(join(folder, 'objects'))}, writable = true)),
    (name = "kv", worker = (modules = [(name = "kv-service.js", esModule = embed "kv-service.js")], ${compatibility})),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
`
}

/** The bindings edge-etag has under wrangler.toml: KV, its Durable Objects, its [vars], and a token. */
function projectBindings(): { bindings: string[]; objects: string } {
  const objects = config.durable_objects.bindings
  const vars = Object.entries({ ...config.vars, API_TOKEN: TOKEN }).map(
    ([name, value]) => `(name = "${name}", text = ${JSON.stringify(String(value))})`,
  )
  const namespaces = objects.map(
    ({ class_name }) => `(className = "${class_name}", uniqueKey = "floor-${class_name}", enableSql = true)`,
  )
  return {
    bindings: [
      '(name = "DOCUMENTS", kvNamespace = "kv")',
      ...objects.map(
        ({ name, class_name }) => `(name = "${name}", durableObjectNamespace = "${class_name}")`,
      ),
      ...vars,
    ],
    // On disk, as Miniflare keeps them: workerd's in-memory storage is not SQLite's, and refuses values over 128 KiB.
    objects: `, durableObjectNamespaces = [${namespaces.join(', ')}], durableObjectStorage = (localDisk = "objects")`,
  }
}

let nextPort = 18_400 + Math.floor(Math.random() * 400) * 10

async function serve(name: string, folder: string, worker: 'project' | 'bare'): Promise<Server> {
  const port = nextPort++
  const { bindings, objects } =
    worker === 'project'
      ? projectBindings()
      : { bindings: ['(name = "DOCUMENTS", kvNamespace = "kv")'], objects: '' }
  writeFileSync(join(folder, 'kv-service.js'), readFileSync('bench/floor/kv-service.js'))
  writeFileSync(join(folder, 'workerd.capnp'), capnp(port, bindings, objects, folder))
  mkdirSync(join(folder, 'objects'))
  const argv = ['serve', join(folder, 'workerd.capnp')]
  const child = spawn(PINNED ? 'taskset' : WORKERD, PINNED ? ['-c', '1', WORKERD, ...argv] : argv, {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${url}/raw/none`)
      break
    } catch (error) {
      if (attempt > 200 || child.exitCode !== null) throw new Error(`${name} did not start`, { cause: error })
      await new Promise((done) => setTimeout(done, 50))
    }
  }
  return { name, url, pid: child.pid ?? 0, stop: () => child.kill() }
}

async function send(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init)
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`)
  return response
}

/** Stores the documents through edge-etag's API. */
async function seedProject(server: Server): Promise<void> {
  const put = (id: string, value: object) =>
    send(`${server.url}/api/items/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(value),
    })
  for (const { id, bytes } of SIZES) await put(id, itemOfSize(bytes))
  await Promise.all(PAGE_MEMBERS.map((id, index) => put(id, itemOfSize(1_000, index))))
}

/** Copies the bytes edge-etag stores into the bare worker's KV, under the same keys. */
async function seedBare(bare: Server, project: Server): Promise<void> {
  for (const id of [...SIZES.map((size) => size.id), ...PAGE_MEMBERS]) {
    const stored = await send(`${project.url}/api/items/${id}`)
    const bytes = await stored.arrayBuffer()
    const headers = { 'X-ETag': stored.headers.get('ETag') ?? '' }
    await send(`${bare.url}/seed/items:${id}`, { method: 'PUT', body: bytes, headers })
  }
}

// ---------- measuring ----------

interface Row {
  readonly group: string
  readonly label: string
  readonly server: Server
  readonly path: string
  readonly status: 200 | 204 | 304
  /** The row the group's ratios are taken against. */
  readonly base?: boolean
  /** For a variant: the step it leaves out. */
  readonly without?: string
  headers: Record<string, string>
  rounds: Sample[]
}

interface Sample {
  readonly rate: number
  /** The server's CPU time (user and system) per request: steadier than the rate when the machine is shared. */
  readonly cpuUs: number
  readonly bytes: number
  readonly p50Ms: number
  readonly errors: number
}

// The CPU time a process has used so far, in clock ticks (1/100 s on Linux); 0 where /proc is missing.
function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return 0
  }
}

function wrk(
  server: Server,
  path: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<Sample> {
  const url = `${server.url}${path}`
  const ticksBefore = cpuTicks(server.pid)
  const fields = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const argv = [
    'wrk',
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '-s',
    'bench/floor/report.lua',
    ...fields,
    url,
  ]
  return new Promise((done, fail) => {
    const child = spawn(PINNED ? 'taskset' : 'wrk', PINNED ? ['-c', '0', ...argv] : argv.slice(1))
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.on('exit', () => {
      const line = output.split('\n').find((text) => text.startsWith('{"requests"'))
      if (line === undefined) return fail(new Error(`wrk failed on ${url}: ${output}`))
      const report = JSON.parse(line)
      done({
        rate: report.requests / (report.durationUs / 1e6),
        cpuUs: ((cpuTicks(server.pid) - ticksBefore) * 10_000) / report.requests,
        bytes: report.bytes / report.requests,
        p50Ms: report.p50Us / 1000,
        errors: report.errors,
      })
    })
  })
}

/** Checks a row's answer (a 200 with a body, or an empty 304) and fills in the If-None-Match a 304 row sends. */
async function check(row: Row): Promise<void> {
  const first = await send(`${row.server.url}${row.path}`)
  const empty = (await first.arrayBuffer()).byteLength === 0
  if (first.status !== (row.status === 304 ? 200 : row.status) || empty !== (row.status === 204))
    throw new Error(`${row.label}: ${first.status}, ${empty ? 'empty' : 'not empty'}`)
  if (row.status !== 304) return
  const etag = first.headers.get('ETag')
  if (etag === null) throw new Error(`${row.label}: no ETag`)
  row.headers = { 'If-None-Match': etag }
  const second = await fetch(`${row.server.url}${row.path}`, { headers: row.headers })
  if (second.status !== 304 || (await second.arrayBuffer()).byteLength !== 0)
    throw new Error(`${row.label}: If-None-Match: ${etag} gave ${second.status}, not an empty 304`)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const microseconds = (sample: Sample) => 1e6 / sample.rate

async function measure(rows: Row[]): Promise<void> {
  for (const row of rows) await check(row)
  for (const row of rows) await wrk(row.server, row.path, row.headers, WARM_SECONDS)
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of round % 2 === 0 ? rows : [...rows].reverse()) {
      const sample = await wrk(row.server, row.path, row.headers, SECONDS)
      if (sample.errors > 0) throw new Error(`${row.label} ${row.status}: ${sample.errors} errors`)
      row.rounds[round] = sample
      console.error(
        `  ${row.group} | ${row.label} ${row.status}: ${sample.rate.toFixed(0)} req/s, ${sample.cpuUs.toFixed(0)} µs CPU`,
      )
    }
  }
}

/** ratio is the median over rounds of a row's rate over another's in the same round. */
function ratio(row: Row, base: Row): number {
  return median(row.rounds.map((sample, round) => sample.rate / (base.rounds[round]?.rate ?? Number.NaN)))
}

// ---------- the run ----------

const work = mkdtempSync(join(tmpdir(), 'edge-etag-floor-'))
const servers: Server[] = []
const stopAll = () => {
  for (const server of servers) server.stop()
  rmSync(work, { recursive: true, force: true })
}
process.on('SIGINT', () => {
  stopAll()
  process.exit(130)
})

async function start(
  name: string,
  entry: string,
  worker: 'project' | 'bare',
  variant?: Variant,
): Promise<Server> {
  const folder = join(work, name.replace(/\W+/g, '-'))
  mkdirSync(folder)
  await bundle(resolve(entry), folder, variant)
  const server = await serve(name, folder, worker)
  servers.push(server)
  return server
}

try {
  console.error(`workerd ${WORKERD}; ${PINNED ? 'servers on CPU 1, wrk on CPU 0' : 'not pinned'}`)
  const project = await start('edge-etag', 'src/index.ts', 'project')
  const bare = await start('bare', 'bench/floor/bare-worker.ts', 'bare')
  const variants = await Promise.all(
    PROFILED.map((variant) => start(variant.name, 'src/index.ts', 'project', variant)),
  )
  await seedProject(project)
  // Seeded alike, so that every copy of the project has run the same code before it is measured.
  await Promise.all(variants.map((variant) => seedProject(variant)))
  await seedBare(bare, project)
  const nextPage = JSON.parse(await (await send(`${project.url}/api/items`)).text()).next as string

  const row = (
    group: string,
    label: string,
    server: Server,
    path: string,
    status: 200 | 204 | 304,
    extra = {},
  ): Row => ({
    group,
    label,
    server,
    path,
    status,
    headers: {},
    rounds: [],
    ...extra,
  })
  const both = (group: string, label: string, server: Server, path: string, extra = {}) => [
    row(group, label, server, path, 200, extra),
    row(group, label, server, path, 304, extra),
  ]
  const profiled = (on: 'document' | 'page', group: string, path: string) =>
    PROFILED.flatMap((variant, index) =>
      (variant.on ?? 'document') === on
        ? both(group, `edge-etag without ${variant.without}`, variants[index] as Server, path, {
            without: variant.without,
          })
        : [],
    )
  const groups: Row[][] = SIZES.map(({ label, id, bytes }) => [
    row(label, 'bare KV read', bare, `/raw/items:${id}`, 200, { base: true }),
    ...(label === '1 KB'
      ? [
          row(label, 'bare KV read, with its metadata', bare, `/raw-metadata/items:${id}`, 200),
          row(label, "bare KV read, with edge-etag's 8 fields", bare, `/raw-fields/items:${id}`, 200),
          row(label, 'bare KV read, with a log line', bare, `/raw-log/items:${id}`, 200),
          ...both(
            label,
            'bare KV read, with the metadata, the 8 fields and a log line',
            bare,
            `/raw-answered/items:${id}`,
          ),
        ]
      : []),
    ...both(label, 'Hono etag(), built per request', bare, `/etag/${bytes}`),
    ...both(label, 'Hono etag(), read from KV', bare, `/etag-kv/items:${id}`),
    ...both(label, 'edge-etag', project, `/api/items/${id}`),
    ...(label === '1 KB' ? profiled('document', label, `/api/items/${id}`) : []),
  ])
  groups.push([
    row('page 1: 100 x 1 KB', 'bare page', bare, '/page/items:a-', 200, { base: true }),
    row('page 1: 100 x 1 KB', 'bare page, read with metadata', bare, '/page-metadata/items:a-', 200),
    row('page 1: 100 x 1 KB', 'bare listing alone (an empty 204)', bare, '/listing/items:a-', 204),
    ...both('page 1: 100 x 1 KB', 'bare page with a strong ETag and 304s', bare, '/page-tagged/items:a-'),
    ...both('page 1: 100 x 1 KB', 'edge-etag', project, '/api/items'),
    ...profiled('page', 'page 1: 100 x 1 KB', '/api/items'),
  ])
  groups.push([
    row('page 2: 1 KB, 100 KB, 1 MB', 'bare page', bare, '/page/items:z-', 200, { base: true }),
    ...both('page 2: 1 KB, 100 KB, 1 MB', 'edge-etag', project, nextPage),
  ])
  // FLOOR_GROUPS=1KB,page runs only the groups whose names (spaces aside) start so.
  const only = process.env.FLOOR_GROUPS?.split(',')
  const chosen = groups.filter(
    (group) =>
      only === undefined || only.some((name) => group[0]?.group.replaceAll(' ', '').startsWith(name)),
  )
  for (const group of chosen) await measure(group)
  writeResults(chosen)
} finally {
  stopAll()
}

// ---------- the report ----------

function writeResults(groups: Row[][]): void {
  const lines = [
    '# Floor bench',
    '',
    `\`npm run bench:floor\`, ${new Date().toISOString().slice(0, 16)}Z: wrk -t1 -c${CONNECTIONS}, ${SECONDS} s per row, ${ROUNDS} rounds; ${PINNED ? 'workerd on CPU 1, wrk on CPU 0' : 'not pinned'}; ${WORKERD.split('/').at(-3)}; KV a separate in-memory service. Rates are medians over rounds; "vs floor" is the median of per-round ratios to the group's first row; bytes are per response, headers included.`,
    '',
    '| group | target | status | req/s | vs floor | CPU µs/req | bytes |',
    '|---|---|--:|--:|--:|--:|--:|',
  ]
  for (const group of groups) {
    const base = group.find((row) => row.base) as Row
    for (const row of group.filter((each) => each.without === undefined)) {
      const of = (figure: (sample: Sample) => number) => median(row.rounds.map(figure)).toFixed(0)
      lines.push(
        `| ${row.group} | ${row.label} | ${row.status} | ${of((s) => s.rate)} | ${ratio(row, base).toFixed(2)} | ${of((s) => s.cpuUs)} | ${of((s) => s.bytes)} |`,
      )
    }
  }
  const profiled = groups.flat().filter((row) => row.without !== undefined)
  if (profiled.length > 0) {
    lines.push('', '## Where the microseconds go', '')
    lines.push(
      'Each row: edge-etag with one step taken out, beside edge-etag whole, in the same rounds. The cost is the median per-round difference in server CPU time per request (and, in brackets, in wall time per request at full load); the first row, a second copy of the whole project, shows the noise.',
      '',
    )
    lines.push('| step taken out | 200: CPU µs (wall) | 304: CPU µs (wall) |', '|---|--:|--:|')
    for (const group of new Set(profiled.map((row) => row.group))) {
      lines.push(`| **${group}** | | |`)
      const whole = groups.flat().filter((row) => row.label === 'edge-etag' && row.group === group)
      for (const without of new Set(
        profiled.filter((row) => row.group === group).map((row) => row.without),
      )) {
        const cost = (status: number) => {
          const variant = profiled.find(
            (row) => row.group === group && row.without === without && row.status === status,
          ) as Row
          const full = whole.find((row) => row.status === status) as Row
          const saved = (figure: (sample: Sample) => number) =>
            median(
              full.rounds.map((sample, round) => figure(sample) - figure(variant.rounds[round] as Sample)),
            ).toFixed(0)
          return `${saved((sample) => sample.cpuUs)} (${saved(microseconds)})`
        }
        lines.push(`| ${without} | ${cost(200)} | ${cost(304)} |`)
      }
    }
  }
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, 'floor.md'), `${lines.join('\n')}\n`)
  writeFileSync(
    join(RESULTS, 'floor.json'),
    JSON.stringify(
      groups.flat().map(({ group, label, status, path, rounds }) => ({ group, label, status, path, rounds })),
      null,
      1,
    ),
  )
  console.log(lines.join('\n'))
}
