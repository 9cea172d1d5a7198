/**
 * A bounded mixed load over loopback HTTP: tens of connections reading items, a few percent of requests writing
 * them with If-Match, for tens of seconds. Each connection revalidates an item with the last ETag it saw for it
 * (If-None-Match), as a cache would. No answer may be a 5xx; some writes must be acknowledged and some reads
 * answered 304, or the load proved nothing; and at the end every item must be the last write the server
 * acknowledged for it, checked against a log of acknowledgements.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/mixed-load.ts   (LOAD_SECONDS=20 by default)
 */

import assert from 'node:assert/strict'
import { Checks, exitAfter } from './checks.ts'
import { type LocalServer, startLocalServer, WRITE_HEADERS } from './local-server.ts'

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20)
const CONNECTIONS = 32
const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f']
// One turn in this many is a revalidation then a conditional PUT, the rest a revalidation: about 4 percent.
const WRITE_EVERY = 25

/** Acknowledgement is a write the server answered 2xx, with the validators it answered. */
interface Acknowledgement {
  etag: string
  lastModified: number
}

exitAfter((SECONDS + 150) * 1000)
const checks = new Checks()
let server: LocalServer | undefined
try {
  server = await startLocalServer('mixed load')
  const base = server.url
  const itemUrl = (id: string) => new URL(`/api/items/${id}`, base)
  const log = new Map<string, Acknowledgement[]>(ITEMS.map((id) => [id, []]))
  const acknowledge = (id: string, response: Response) => {
    const etag = response.headers.get('ETag') ?? ''
    log.get(id)?.push({ etag, lastModified: Date.parse(response.headers.get('Last-Modified') ?? '') })
  }

  for (const id of ITEMS) {
    const created = await fetch(itemUrl(id), {
      method: 'PUT',
      headers: WRITE_HEADERS,
      body: JSON.stringify({ id }),
    })
    assert.equal(created.status, 201)
    acknowledge(id, created)
  }

  const statuses = new Map<number, number>()
  const deadline = Date.now() + SECONDS * 1000
  let sent = 0
  let turns = 0
  let acknowledgedUnderLoad = 0
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      // The last ETag this connection saw for each item, from a 200, a 304, a write's answer or a 412.
      const seen = new Map<string, string>()
      const send = async (id: string, init: RequestInit = {}): Promise<Response> => {
        sent++
        const response = await fetch(itemUrl(id), init)
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        const etag = response.headers.get('ETag')
        if (etag !== null) seen.set(id, etag)
        return response
      }
      // A read revalidates what this connection holds: 304 while the item is unchanged, 200 once it changed.
      const read = (id: string) => {
        const etag = seen.get(id)
        return send(id, etag === undefined ? {} : { headers: { 'If-None-Match': etag } })
      }

      for (let n = 0; Date.now() < deadline; n++) {
        const id = ITEMS[(connection + n) % ITEMS.length] as string
        if (++turns % WRITE_EVERY === 0) {
          // A write on the tag just revalidated; another connection may still win the race (412).
          await read(id)
          const response = await send(id, {
            method: 'PUT',
            headers: { ...WRITE_HEADERS, 'If-Match': seen.get(id) ?? '"none"' },
            body: JSON.stringify({ id, connection, n }),
          })
          if (response.ok) {
            acknowledge(id, response)
            acknowledgedUnderLoad++
          }
        } else {
          await read(id)
        }
      }
    }),
  )
  const summary = [...statuses].map(([status, count]) => `${status}: ${count}`).join(', ')

  await checks.run(
    `${sent} requests over ${SECONDS} s on ${CONNECTIONS} connections get no 5xx`,
    async () => {
      assert.deepEqual(
        [...statuses].filter(([status]) => status >= 500),
        [],
      )
      return summary
    },
  )

  await checks.run(
    'the load both wrote and revalidated: some writes acknowledged, some reads 304',
    async () => {
      const notModified = statuses.get(304) ?? 0
      const detail = `${acknowledgedUnderLoad} acknowledged writes, ${notModified} answers 304`
      assert.ok(acknowledgedUnderLoad > 0, `no write was acknowledged under load (${summary})`)
      assert.ok(notModified > 0, `no revalidation was answered 304 (${summary})`)
      return detail
    },
  )

  await checks.run('every item ends at the last write acknowledged for it', async () => {
    // KV takes an item's publication at most once a second; give the last ones that second.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    let writes = 0
    for (const id of ITEMS) {
      const acknowledged = log.get(id) ?? []
      writes += acknowledged.length
      // Last-Modified moves on every change of an item, so the last write has the latest one.
      const last = acknowledged.reduce((latest, ack) =>
        ack.lastModified > latest.lastModified ? ack : latest,
      )
      const current = await fetch(itemUrl(id))
      await current.arrayBuffer()
      assert.equal(current.headers.get('ETag'), last.etag, `item ${id}`)
    }
    return `${writes} acknowledged writes`
  })
} catch (error) {
  checks.fail('the load could not be set up or driven', error)
} finally {
  await server?.stop()
  checks.finish()
}
