/**
 * A bounded mixed load over loopback HTTP: tens of connections reading items, a few percent of requests writing
 * them with If-Match, for tens of seconds. No answer may be a 5xx, and at the end every item must be the last
 * write the server acknowledged for it, checked against a log of acknowledgements.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/mixed-load.ts   (LOAD_SECONDS=20 by default)
 */

import assert from 'node:assert/strict'
import { Checks, exitAfter } from './checks.ts'
import { type LocalServer, startLocalServer, WRITE_HEADERS } from './local-server.ts'

const SECONDS = Number(process.env.LOAD_SECONDS ?? 20)
const CONNECTIONS = 32
const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f']
// One request in this many is a conditional PUT: about 4 percent.
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
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const id = ITEMS[(connection + n) % ITEMS.length] as string
        sent++
        let response: Response
        if (sent % WRITE_EVERY === 0) {
          const seen = (await fetch(itemUrl(id))).headers.get('ETag') ?? ''
          response = await fetch(itemUrl(id), {
            method: 'PUT',
            headers: { ...WRITE_HEADERS, 'If-Match': seen },
            body: JSON.stringify({ id, connection, n }),
          })
          if (response.ok) acknowledge(id, response)
        } else {
          // Reads, half of them revalidations with a tag that is probably stale.
          const etag = log.get(id)?.at(-1)?.etag ?? '"none"'
          response = await fetch(itemUrl(id), n % 2 === 0 ? {} : { headers: { 'If-None-Match': etag } })
        }
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
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
      assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(412) ?? 0) + (statuses.get(304) ?? 0) > 0)
      return summary
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
