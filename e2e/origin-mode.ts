/**
 * Origin mode over real HTTP, the way the README sets it up: the two-replica test origin (its replicas send the
 * same JSON with different ETags, dates, key orders and whitespace, behind a round robin) and `wrangler dev` with
 * ORIGIN_URL pointing at it. A client sees one ETag and gets 304s from both replicas, which send no body for
 * them; a change at the origin gives a 200 with a new tag; one user's answer is never another's; an origin that
 * fails, breaks off or is slow gives 502 or 504; a write with our tag in If-Match lands; curl sees it all too.
 *
 * Usage, from the project root: node_modules/.bin/node e2e/origin-mode.ts   (15-30 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { type ReplicaStats, startReplicaOrigin } from '../scripts/replica-origin.ts'
import { Checks, exitAfter } from './checks.ts'
import { startLocalServer } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000
const ORIGIN_TIMEOUT_MS = 1_500

exitAfter(180_000)
const checks = new Checks()
const origin = await startReplicaOrigin()
const server = await startLocalServer('origin mode', {
  ORIGIN_URL: origin.url.href,
  ORIGIN_PREFIX: '/legacy',
  ORIGIN_TIMEOUT_MS: String(ORIGIN_TIMEOUT_MS),
})

function send(path: string, init: RequestInit = {}): Promise<Response> {
  // identity: compare the bytes the worker sends, not what wrangler's local proxy gzips.
  const headers = { 'Accept-Encoding': 'identity', ...(init.headers as Record<string, string> | undefined) }
  return fetch(new URL(path, server.url), {
    ...init,
    headers,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
}

async function stats(): Promise<Record<'a' | 'b', ReplicaStats>> {
  return (await fetch(new URL('/__replicas/stats', origin.url))).json() as Promise<
    Record<'a' | 'b', ReplicaStats>
  >
}

async function problem(response: Response): Promise<{ status: number; detail: string }> {
  assert.equal(response.headers.get('Content-Type'), 'application/problem+json')
  return (await response.json()) as { status: number; detail: string }
}

try {
  let etag = ''
  await checks.run('both replicas answer with one strong ETag and the same canonical bytes', async () => {
    const [a, b] = [await send('/legacy/users/1'), await send('/legacy/users/1')]
    assert.deepEqual([a.status, b.status], [200, 200])
    assert.notEqual(a.headers.get('X-Replica'), b.headers.get('X-Replica'))
    etag = a.headers.get('ETag') ?? ''
    assert.match(etag, /^"[A-Za-z0-9_-]{43}"$/)
    assert.equal(b.headers.get('ETag'), etag)
    assert.equal(b.headers.get('Last-Modified'), a.headers.get('Last-Modified'))
    assert.equal(await a.text(), await b.text())
    return etag
  })

  await checks.run('revalidations get 304s from both replicas, which send no body', async () => {
    const before = await stats()
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => send('/legacy/users/1', { headers: { 'If-None-Match': etag } })),
    )
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [304, 304, 304, 304],
    )
    const after = await stats()
    assert.equal(after.a.notModified - before.a.notModified, 2)
    assert.equal(after.b.notModified - before.b.notModified, 2)
    assert.equal(after.a.bodyBytes + after.b.bodyBytes, before.a.bodyBytes + before.b.bodyBytes)
    return 'origin 304s: 2 + 2, body bytes sent: 0'
  })

  await checks.run('curl revalidates to a 304 with the ETag', async () => {
    // Not execFileSync: the origin runs in this very process, and must keep answering while curl waits.
    const { stdout: head } = await promisify(execFile)('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-D',
      '-',
      '-H',
      `If-None-Match: ${etag}`,
      new URL('/legacy/users/1', server.url).href,
    ])
    assert.match(head, /^HTTP\/1\.1 304/)
    assert.match(head, new RegExp(`etag: ${etag.replace(/[-"]/g, '.')}`, 'i'))
    return head.split('\r\n')[0]
  })

  await checks.run('a change at the origin gives a 200 with a new tag', async () => {
    const changed = await fetch(new URL('/__replicas/documents/users/1', origin.url), {
      method: 'PUT',
      body: JSON.stringify({ id: 1, name: 'Ada King', roles: ['admin'] }),
    })
    assert.equal(changed.status, 204)
    const answer = await send('/legacy/users/1', { headers: { 'If-None-Match': etag } })
    assert.equal(answer.status, 200)
    assert.notEqual(answer.headers.get('ETag'), etag)
    assert.equal(await answer.text(), '{"id":1,"name":"Ada King","roles":["admin"]}')
  })

  await checks.run("one user's answer is never another's", async () => {
    const ada = await send('/legacy/me', { headers: { Authorization: 'Bearer ada' } })
    const adaTag = ada.headers.get('ETag') ?? ''
    const alan = await send('/legacy/me', {
      headers: { Authorization: 'Bearer alan', 'If-None-Match': adaTag },
    })
    assert.equal(alan.status, 200)
    assert.equal(((await alan.json()) as { user: string }).user, 'Bearer alan')
    assert.equal(ada.headers.get('Cache-Control'), 'private, max-age=0')
  })

  await checks.run('an origin 5xx is a 502 problem', async () => {
    const answer = await send('/legacy/fail')
    assert.equal(answer.status, 502)
    return (await problem(answer)).detail
  })

  await checks.run('an origin that drops the connection is a 502 problem', async () => {
    const answer = await send('/legacy/hangup')
    assert.equal(answer.status, 502)
    return (await problem(answer)).detail
  })

  await checks.run('an origin that breaks off its body is a 502 problem', async () => {
    const answer = await send('/legacy/broken')
    assert.equal(answer.status, 502)
    return (await problem(answer)).detail
  })

  await checks.run(
    `a slow origin is a 504 problem after ORIGIN_TIMEOUT_MS (${ORIGIN_TIMEOUT_MS} ms)`,
    async () => {
      const started = Date.now()
      const answer = await send('/legacy/slow?ms=5000')
      assert.equal(answer.status, 504)
      assert.ok(Date.now() - started < 4_000)
      return (await problem(answer)).detail
    },
  )

  await checks.run('a write with our tag in If-Match lands, whichever replica takes it', async () => {
    for (const name of ['Alan M. Turing', 'Alan Mathison Turing']) {
      const current = (await send('/legacy/users/2')).headers.get('ETag') ?? ''
      const write = await send('/legacy/users/2', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'If-Match': current },
        body: JSON.stringify({ id: 2, name }),
      })
      assert.equal(write.status, 200)
    }
    const stale = await send('/legacy/users/2', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': etag },
      body: '{}',
    })
    assert.equal(stale.status, 412)
  })

  await checks.run('the API beside the origin is untouched', async () => {
    const answer = await send('/api/items/apple')
    assert.ok(answer.status === 200 || answer.status === 404, `status ${answer.status}`)
    assert.equal(answer.headers.get('X-Replica'), null)
  })
} catch (error) {
  checks.fail('origin mode', error)
} finally {
  await server.stop()
  await origin.stop()
}
checks.finish()
