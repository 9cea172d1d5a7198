/**
 * The README's first command, as a user runs it: `npm run dev` seeds the store that wrangler will read, serves
 * the demo data, indexes it so the tasks' queries find it, reloads when a file under src/ is saved, and, when
 * npm is told to stop, leaves nothing running on its port.
 *
 * Starts `npm run dev -- --port P --persist-to DIR` (a temporary folder, so this run seeds afresh), reads the
 * demo documents over HTTP, sends SIGTERM to npm alone (npm does not pass it on), and waits for the port to close.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/dev-script.ts   (15-30 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Checks, exitAfter } from './checks.ts'
import { freePort } from './local-server.ts'

const READY_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 10_000

exitAfter(150_000)
const checks = new Checks()
const persistTo = mkdtempSync(join(tmpdir(), 'edge-etag-dev-'))
const port = await freePort()
const base = new URL(`http://127.0.0.1:${port}/`)
// Its own process group, so that whatever happens the run can end every process it started.
const npm = spawn('npm', ['run', 'dev', '--', '--port', String(port), '--persist-to', persistTo], {
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
})
let output = ''
npm.stdout?.on('data', (chunk) => (output += chunk))
npm.stderr?.on('data', (chunk) => (output += chunk))
process.on('exit', () => {
  killGroup(npm)
  rmSync(persistTo, { recursive: true, force: true })
})

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

async function answers(): Promise<boolean> {
  try {
    await (await fetch(base, { signal: AbortSignal.timeout(1_000) })).arrayBuffer()
    return true
  } catch {
    return false
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}

await checks.run('npm run dev seeds the --persist-to store and serves the demo documents', async () => {
  assert.ok(
    await waitFor(async () => output.includes('Ready on'), READY_TIMEOUT_MS),
    `no "Ready on":\n${output}`,
  )
  const items = (await (await fetch(new URL('/api/items', base))).json()) as { items: { id: string }[] }
  const tasks = (await (await fetch(new URL('/api/tasks', base))).json()) as { items: { id: string }[] }
  assert.deepEqual(
    items.items.map((item) => item.id),
    ['apple', 'banana', 'cheese'],
  )
  assert.deepEqual(
    tasks.items.map((task) => task.id),
    ['buy-milk', 'file-taxes', 'read-rfc-9110'],
  )
  return `${items.items.length} items, ${tasks.items.length} tasks on port ${port}`
})

await checks.run("the seeded tasks are indexed: each query page finds the demo's tasks", async () => {
  assert.ok(
    await waitFor(async () => output.includes('Indexed the demo documents'), READY_TIMEOUT_MS),
    `no "Indexed the demo documents":\n${output}`,
  )
  const ids = async (query: string) => {
    const page = (await (await fetch(new URL(`/api/tasks?${query}`, base))).json()) as {
      items: { id: string }[]
    }
    return page.items.map((task) => task.id)
  }
  assert.deepEqual(await ids('done=false'), ['buy-milk', 'file-taxes'])
  assert.deepEqual(await ids('tags=http'), ['read-rfc-9110'])
  assert.deepEqual(await ids('sort=due'), ['buy-milk', 'file-taxes', 'read-rfc-9110'])
  return 'done=false, tags=http, sort=due'
})

await checks.run('a file saved under src/ reloads the server', async () => {
  // Its modification time only: the reload is what is checked, and no source changes.
  const file = new URL('../src/index.ts', import.meta.url)
  const before = output.length
  utimesSync(file, new Date(), new Date())
  assert.ok(
    await waitFor(
      async () => /Reloading local server|Local server updated/.test(output.slice(before)),
      30_000,
    ),
    `no reload after saving src/index.ts:\n${output.slice(before)}`,
  )
  assert.ok(await waitFor(answers, 30_000), 'the server answers after the reload')
  return undefined
})

await checks.run('SIGTERM to npm alone leaves the port free', async () => {
  assert.ok(npm.pid !== undefined)
  process.kill(npm.pid, 'SIGTERM')
  const started = Date.now()
  assert.ok(await waitFor(async () => !(await answers()), STOP_TIMEOUT_MS), 'the server still answers')
  return `closed after ${((Date.now() - started) / 1000).toFixed(1)} s`
})

checks.finish()
process.exit()
