/**
 * The client as other projects get it: `npm pack` in client/, the tarball installed into a fresh project in a
 * temporary folder (nothing else in it), and the same few lines (create a task, read it, read it again as a
 * 304) run against `wrangler dev` with plain `node` (the shell's, not the project's Node 24, when it has one),
 * inside a Worker (bundled by esbuild, run by Miniflare) and in Chromium (bundled for the browser). Types: the
 * API's types generated from its /openapi.json by openapi-typescript, given to the client through ApiFromPaths,
 * type-checked by tsc as a TypeScript project that installed the package would be.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/client-package.ts
 * (30-60 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build } from 'esbuild'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { Checks, exitAfter } from './checks.ts'
import { launchChromium } from './chromium.ts'
import { E2E_TOKEN, type LocalServer, startLocalServer } from './local-server.ts'

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSC = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc')
// openapi-typescript needs TypeScript 5's JS API, so it has a folder of its own (tools/openapi-typescript/).
const OPENAPI_TYPESCRIPT = join(
  PROJECT_ROOT,
  'tools',
  'openapi-typescript',
  'node_modules',
  '.bin',
  'openapi-typescript',
)

/** USE_CLIENT is what every runtime runs: the package's public API, as its README shows it. */
const USE_CLIENT = `import { createClient } from 'edge-etag-client'

export async function useClient(baseUrl, token) {
  const client = createClient({ baseUrl, token })
  const tasks = client.resource('tasks')
  const created = await tasks.create({ title: 'From the package', done: false })
  const read = await tasks.get(created.id)
  return { title: read.value.title, fromCache: read.fromCache, hits: client.stats.hits, etag: read.etag === created.etag }
}
`

const NODE_MAIN = `import { useClient } from './use-client.mjs'
console.log(JSON.stringify(await useClient(process.env.BASE_URL, process.env.TOKEN)))
`

const WORKER_MAIN = `import { useClient } from './use-client.mjs'
export default { fetch: async (request, env) => Response.json(await useClient(env.BASE_URL, env.TOKEN)) }
`

const BROWSER_MAIN = `import { useClient } from './use-client.mjs'
globalThis.clientResult = useClient(location.origin, ${JSON.stringify(E2E_TOKEN)})
`

/** TYPED_USE must type-check with the generated types, and its one wrong line must be the one tsc refuses. */
const TYPED_USE = `import { type ApiFromPaths, createClient } from 'edge-etag-client'
import type { paths } from './api.js'

const tasks = createClient<ApiFromPaths<paths>>({ baseUrl: 'http://localhost:8787' }).resource('tasks')

export async function titleOf(id: string): Promise<string> {
  const { value } = await tasks.get(id)
  // @ts-expect-error a task's done is a boolean, as the API's description says
  const done: string = value.done
  return \`\${value.title} \${done}\`
}
`

const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    lib: ['es2022', 'dom'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noEmit: true,
    types: [],
  },
  include: ['typed-use.ts', 'api.d.ts'],
}

/** Expected is what useClient answers in every runtime: the read after the create was a 304. */
const EXPECTED = { title: 'From the package', fromCache: true, hits: 1, etag: true }

/** run runs a command and returns its stdout, or throws with its output. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' })
  if (result.status !== 0) {
    const why = result.error?.message ?? `exited ${result.status}: ${result.stderr}${result.stdout}`
    throw new Error(`${command} ${args.join(' ')}: ${why}`)
  }
  return result.stdout
}

/** shellNode is the first `node` on PATH outside this project: what a user's `node` command runs. */
function shellNode(): string {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '' || folder.startsWith(PROJECT_ROOT)) continue
    if (existsSync(join(folder, 'node'))) return join(folder, 'node')
  }
  return process.execPath
}

/** packAndInstall packs client/ and installs the tarball into a new project in `folder`. */
function packAndInstall(folder: string): string {
  run('npm', ['pack', '--silent', '--pack-destination', folder], join(PROJECT_ROOT, 'client'))
  const tarball = readdirSync(folder).find((name) => name.endsWith('.tgz'))
  assert.ok(tarball !== undefined, 'npm pack wrote no tarball')
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'uses-the-client', private: true, type: 'module' }),
  )
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], folder)
  for (const [name, text] of Object.entries({
    'use-client.mjs': USE_CLIENT,
    'node-main.mjs': NODE_MAIN,
    'worker-main.mjs': WORKER_MAIN,
    'browser-main.mjs': BROWSER_MAIN,
    'typed-use.ts': TYPED_USE,
    'tsconfig.json': JSON.stringify(TSCONFIG),
  })) {
    writeFileSync(join(folder, name), text)
  }
  return tarball
}

async function inNode(folder: string, server: LocalServer): Promise<string> {
  const node = shellNode()
  const version = run(node, ['--version'], folder).trim()
  const env = { ...process.env, BASE_URL: server.url.href, TOKEN: E2E_TOKEN }
  assert.deepEqual(JSON.parse(run(node, ['node-main.mjs'], folder, env)), EXPECTED)
  return `node ${version}`
}

/** bundled is what a bundler makes of one of the project's entry files, the installed package included. */
async function bundled(entry: string, options: Pick<BuildOptions, 'format' | 'platform' | 'conditions'>) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    logLevel: 'silent',
    ...options,
  })
  return result.outputFiles[0]?.text ?? ''
}

async function inWorker(folder: string, server: LocalServer): Promise<string> {
  const script = await bundled(join(folder, 'worker-main.mjs'), {
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
  })
  const worker = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script,
      compatibilityDate: '2026-11-01',
      bindings: { BASE_URL: server.url.href, TOKEN: E2E_TOKEN },
    }),
  )
  try {
    const response = await worker.dispatchFetch('http://worker.test/')
    assert.deepEqual(await response.json(), EXPECTED)
  } finally {
    await worker.dispose()
  }
  return `${script.length} bytes bundled`
}

async function inBrowser(folder: string, server: LocalServer): Promise<string> {
  const script = await bundled(join(folder, 'browser-main.mjs'), { format: 'iife', platform: 'browser' })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    await page.goto(new URL('/openapi.json', server.url).href)
    await page.addScriptTag({ content: script })
    const result = await page.evaluate(() => (globalThis as { clientResult?: Promise<unknown> }).clientResult)
    assert.deepEqual(result, EXPECTED)
    return `Chromium ${browser.version()}`
  } finally {
    await browser.close()
  }
}

async function typed(folder: string, server: LocalServer): Promise<string> {
  run(OPENAPI_TYPESCRIPT, [new URL('/openapi.json', server.url).href, '-o', 'api.d.ts'], folder)
  run(TSC, ['-p', '.'], folder)
  return 'tsc accepts it, and refuses its one wrong line'
}

exitAfter(240_000)
const checks = new Checks()
const folder = mkdtempSync(join(tmpdir(), 'edge-etag-client-package-'))
let server: LocalServer | undefined
try {
  const packed = await checks.run('npm pack in client/ gives a tarball a fresh project installs', async () =>
    packAndInstall(folder),
  )
  if (!packed) throw new Error('nothing to run without the package')
  server = await startLocalServer('client package')
  const started = server
  await checks.run('plain node imports the installed package and revalidates to a 304', () =>
    inNode(folder, started),
  )
  await checks.run('a Worker bundled with the package revalidates to a 304', () => inWorker(folder, started))
  await checks.run('a browser bundle of the package revalidates to a 304', () => inBrowser(folder, started))
  await checks.run("TypeScript types from the API's /openapi.json type the client through ApiFromPaths", () =>
    typed(folder, started),
  )
} catch (error) {
  checks.fail('the package could not be packed and installed, or the server could not start', error)
} finally {
  await server?.stop()
  rmSync(folder, { recursive: true, force: true })
  checks.finish()
}
