/**
 * Local servers for the end-to-end scripts: `wrangler dev` in a child process, on a loopback port of its own and
 * with a persisted local KV of its own, so each one is an independent instance of the worker. It reads
 * wrangler.toml itself, so bindings added there later (a Durable Object, say) need no change here, and it needs
 * no Cloudflare account and no network.
 */

import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** E2E_TOKEN is the API_TOKEN every local server gets, whatever `.dev.vars` holds. */
export const E2E_TOKEN = 'e2e-token'

/** WRITE_HEADERS are the headers a write to a local server needs. */
export const WRITE_HEADERS = { Authorization: `Bearer ${E2E_TOKEN}`, 'Content-Type': 'application/json' }

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
const WRANGLER = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
// The first start bundles the worker and boots workerd; on the 2-core machine that takes 5-15 s.
const READY_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 5_000

/** LocalServer is one running `wrangler dev`. */
export interface LocalServer {
  /** url is where the worker answers, e.g. http://127.0.0.1:40123/. */
  readonly url: URL
  /** stop ends the wrangler process group and deletes the persisted state; it never throws. */
  stop(): Promise<void>
}

// Each running child with its persisted state folder.
const running = new Map<ChildProcess, string>()

// Whatever ends this process (a failed check, the watchdog, Ctrl-C), no wrangler or workerd outlives it.
process.on('exit', () => {
  for (const [child, persistDir] of running) {
    killGroup(child, 'SIGKILL')
    rmSync(persistDir, { recursive: true, force: true })
  }
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130))

/**
 * startLocalServer starts `wrangler dev` on a free loopback port, with its own temporary `--persist-to` folder
 * and `vars` set over wrangler.toml's (`--var`), and resolves once it prints "Ready on".
 *
 * @example
 * const server = await startLocalServer('instance A')
 * try { await fetch(new URL('/api/items', server.url)) } finally { await server.stop() }
 */
export async function startLocalServer(
  name: string,
  vars: Readonly<Record<string, string>> = {},
): Promise<LocalServer> {
  // A port found free may be taken before wrangler binds it (another instance starting at the same moment
  // picks ports too): then wrangler exits with "Address already in use", and another pair of ports is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name, vars)
    } catch (error) {
      if (attempt === 3 || !String(error).includes('Address already in use')) throw error
    }
  }
}

async function startOnce(name: string, vars: Readonly<Record<string, string>>): Promise<LocalServer> {
  const persistDir = mkdtempSync(join(tmpdir(), 'edge-etag-e2e-'))
  const [port, inspectorPort] = [await freePort(), await freePort()]
  // Its own process group (detached), so stop() ends wrangler and the workerd it starts, and nothing else.
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistDir,
      '--var',
      `API_TOKEN:${E2E_TOKEN}`,
      ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  )
  running.set(child, persistDir)
  const stop = async (): Promise<void> => {
    await stopGroup(child)
    running.delete(child)
    rmSync(persistDir, { recursive: true, force: true })
  }
  try {
    const url = await waitForReady(child, name)
    return { url, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** waitForReady resolves with the URL from wrangler's "Ready on" line; it rejects with wrangler's output. */
function waitForReady(child: ChildProcess, name: string): Promise<URL> {
  return new Promise((resolve, reject) => {
    let output = ''
    const fail = (why: string) => {
      clearTimeout(timer)
      reject(new Error(`wrangler dev (${name}) ${why}; its output:\n${output.slice(-4000)}`))
    }
    const timer = setTimeout(
      () => fail(`was not ready within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const ready = /Ready on (http:\/\/[^\s]+)/.exec(output)
      if (ready?.[1] !== undefined) {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(new URL(ready[1]))
      }
    }
    const onExit = (code: number | null, signal: string | null) => fail(`exited early (${code ?? signal})`)
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** stopGroup sends SIGTERM to the child's process group, then SIGKILL if it has not exited in time. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    killGroup(child, 'SIGTERM')
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))])
  }
  // workerd may outlive wrangler by a moment; the group id is still ours.
  killGroup(child, 'SIGKILL')
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the group has already gone.
  }
}

/** freePort returns a loopback TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}
