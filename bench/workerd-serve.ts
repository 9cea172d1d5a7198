/**
 * The bench bundle served by `workerd serve` itself, with nothing in front of it: no Miniflare entry worker,
 * no `wrangler dev` proxy. Used with the floor-cost in-memory KV (BENCH_KV = "memory"), so the DOCUMENTS binding
 * points at a stub that is never called.
 */

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { basename, dirname, join } from 'node:path'
import { TOKEN } from './local-worker.ts'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** workerdConfig is the capnp configuration serving `bundle` (a path relative to the config) on `port`. */
function workerdConfig(bundle: string, port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker), (name = "kv-stub", worker = .kvStub) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const mainWorker :Workerd.Worker = (
  modules = [ (name = "${bundle}", esModule = embed "${bundle}") ],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "DOCUMENTS", kvNamespace = "kv-stub"),
    (name = "DOCUMENT_WRITER", durableObjectNamespace = "DocumentWriter"),
    (name = "API_TOKEN", text = "${TOKEN}"),
    (name = "MAX_BODY_BYTES", text = "262144"),
    (name = "BENCH_KV", text = "memory"),
  ],
  durableObjectNamespaces = [ (className = "DocumentWriter", uniqueKey = "bench-document-writer", enableSql = true) ],
  durableObjectStorage = (inMemory = void),
);

const kvStub :Workerd.Worker = (
  modules = [ (name = "kv-stub.js", esModule = "export default { fetch: () => new Response(null, { status: 503 }) }") ],
  compatibilityDate = "2026-11-01",
);
`
}

/**
 * serveWithWorkerd starts `workerd serve` on a bundle and resolves once it answers, with its URL, its process
 * id (for CPU accounting) and a function to stop it.
 */
export async function serveWithWorkerd(
  bundlePath: string,
): Promise<{ url: URL; pid: number; stop: () => Promise<void> }> {
  const port = await freePort()
  const configPath = join(dirname(bundlePath), 'workerd.capnp')
  writeFileSync(configPath, workerdConfig(basename(bundlePath), port))
  const child = spawn('node_modules/.bin/workerd', ['serve', configPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = new URL(`http://127.0.0.1:${port}/`)
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(new URL('/api/items/ready', url))
      break
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null)
        throw new Error('workerd serve did not start', { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}
