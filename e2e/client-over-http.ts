/**
 * The typed client (client/) in Node, over real HTTP, against `wrangler dev`: a revalidation counted as a hit
 * while the server sends a 304, a conflict between two clients, and update() winning a race by retrying.
 *
 * Starts `wrangler dev` with its own local KV and a counting reverse proxy in front of it, so the 304s are
 * counted as the server sent them, not only as the client reports them.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/client-over-http.ts
 * (10-20 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { ConflictError, createClient, type Exchange, type JsonObject } from '../client/index.ts'
import { Checks, exitAfter } from './checks.ts'
import type { CountingProxy } from './counting-proxy.ts'
import { startCountingProxy } from './counting-proxy.ts'
import type { LocalServer } from './local-server.ts'
import { E2E_TOKEN, startLocalServer } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000

/** newClient returns a client of the API behind the proxy, with a store of its own, and its exchanges. */
function newClient(proxy: CountingProxy) {
  const exchanges: Exchange[] = []
  const client = createClient<{ items: JsonObject }>({
    baseUrl: proxy.url.href,
    token: E2E_TOKEN,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    onExchange: (exchange) => exchanges.push(exchange),
  })
  return { client, items: client.resource('items'), exchanges }
}

async function hitOnRevalidation(proxy: CountingProxy): Promise<string> {
  const writer = newClient(proxy)
  const reader = newClient(proxy)
  const created = await writer.items.createAt('client-hit', { note: 'read twice', sizes: [1, 2, 3] })
  const first = await reader.items.get('client-hit')
  const second = await reader.items.get('client-hit')
  assert.deepEqual(second, { ...first, fromCache: true })
  assert.equal(second.etag, created.etag)
  assert.deepEqual(
    proxy.exchangesFor('/api/items/client-hit').map((exchange) => [exchange.method, exchange.status]),
    [
      ['PUT', 201],
      ['GET', 200],
      ['GET', 304],
    ],
    'what the server sent',
  )
  assert.equal(proxy.exchangesFor('/api/items/client-hit')[2]?.requestHeaders['if-none-match'], created.etag)
  const { hits, misses, bytesSaved } = reader.client.stats
  assert.deepEqual({ hits, misses }, { hits: 1, misses: 1 })
  assert.ok(bytesSaved > 0, 'bytes saved')
  return `hits ${hits}, ${bytesSaved} bytes saved, request id ${reader.exchanges[1]?.requestId ?? 'none'}`
}

async function conflictBetweenClients(proxy: CountingProxy): Promise<string> {
  const alice = newClient(proxy)
  const bob = newClient(proxy)
  await alice.items.createAt('client-conflict', { owner: 'alice', version: 1 })
  await bob.items.get('client-conflict')
  const second = await alice.items.put('client-conflict', { owner: 'alice', version: 2 })
  const error = await bob.items
    .put('client-conflict', { owner: 'bob', version: 2 })
    .catch((caught: unknown) => caught)
  assert.ok(error instanceof ConflictError, `expected a ConflictError, got ${String(error)}`)
  assert.equal(error.currentEtag, second.etag)
  assert.deepEqual(error.current?.value, { owner: 'alice', version: 2 })
  assert.equal(bob.client.stats.conflicts, 1)
  const statuses = proxy.exchangesFor('/api/items/client-conflict').map((exchange) => exchange.status)
  assert.ok(statuses.includes(412), `the server sent ${statuses.join(', ')}`)
  return `the server sent ${statuses.join(', ')}`
}

async function updateWinsRace(proxy: CountingProxy): Promise<string> {
  const alice = newClient(proxy)
  const bob = newClient(proxy)
  await alice.items.createAt('client-race', { count: 0, tags: [] })
  let calls = 0
  const updated = await alice.items.update('client-race', async (value) => {
    calls++
    // Bob writes between Alice's read and her PUT: her first PUT is refused, her retry wins.
    if (calls === 1) await bob.items.patch('client-race', { tags: ['bob'] })
    return { ...value, count: Number(value.count) + 1 }
  })
  assert.deepEqual(updated.value, { count: 1, tags: ['bob'] })
  assert.equal(calls, 2)
  assert.deepEqual(
    { conflicts: alice.client.stats.conflicts, retries: alice.client.stats.retries },
    { conflicts: 1, retries: 1 },
  )
  return `${alice.client.stats.requests} requests, 1 retry`
}

exitAfter(180_000)
const checks = new Checks()
let server: LocalServer | undefined
let proxy: CountingProxy | undefined
try {
  server = await startLocalServer('client')
  const counting = await startCountingProxy(server.url, {})
  proxy = counting
  await checks.run('the client revalidates to a 304 at the server and counts a hit', () =>
    hitOnRevalidation(counting),
  )
  await checks.run('a stale If-Match from a second client is a ConflictError with the current document', () =>
    conflictBetweenClients(counting),
  )
  await checks.run("update() retries after a real conflict and keeps both clients' changes", () =>
    updateWinsRace(counting),
  )
} catch (error) {
  checks.fail('the server or the proxy could not be set up', error)
} finally {
  await proxy?.close()
  await server?.stop()
  checks.finish()
}
