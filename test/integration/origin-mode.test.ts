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
import { fetchWith } from './api.ts'

const ORIGIN = inject('replicaOrigin')
const EDGE = 'https://edge-etag.test'
const { DOCUMENTS } = env as Env

type Settings = Partial<Pick<Env, 'ORIGIN_URL' | 'ORIGIN_PREFIX' | 'ORIGIN_TIMEOUT_MS'>>

/** edge sends a request to the worker with origin mode on (ORIGIN_URL the test origin, prefix /legacy). */
function edge(path: string, init: RequestInit = {}, settings: Settings = {}): Promise<Response> {
  return fetchWith({ ORIGIN_URL: ORIGIN, ORIGIN_PREFIX: '/legacy', ...settings }, `${EDGE}${path}`, init)
}

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

/** originRecords returns the values of every origin record in KV. */
async function originRecords(): Promise<string[]> {
  const { keys } = await DOCUMENTS.list({ prefix: ORIGIN_RECORD_PREFIX })
  const values = await Promise.all(keys.map((key) => DOCUMENTS.get(key.name, 'text')))
  return values.filter((value) => value !== null)
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
      expect(answer.headers.get('Last-Modified')).toBe(first.headers.get('Last-Modified'))
      expect(answer.headers.get('Cache-Control')).toBe('public, max-age=0, must-revalidate')
      expect(await answer.text()).toBe('')
    }
    const after = await stats()
    expect(after.a.notModified - before.a.notModified).toBe(2)
    expect(after.b.notModified - before.b.notModified).toBe(2)
    expect(total(after, 'bodyBytes')).toBe(total(before, 'bodyBytes'))
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
    const first = await edge('/legacy/users/1')
    await edge('/legacy/users/1')
    const etag = first.headers.get('ETag') as string
    await changeAtOrigin('/users/1', { id: 1, name: 'Ada King', roles: ['admin'] })
    const changed = await edge('/legacy/users/1', { headers: { 'If-None-Match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).not.toBe(etag)
    expect(await changed.text()).toBe('{"id":1,"name":"Ada King","roles":["admin"]}')
    // New bytes date from now, or, first seen within the second of the old ones, have no date at all.
    const since = Date.parse(first.headers.get('Last-Modified') as string)
    const lastModified = changed.headers.get('Last-Modified')
    if (lastModified !== null) expect(Date.parse(lastModified)).toBeGreaterThan(since)
    const conditional = await edge('/legacy/users/1', {
      headers: { 'If-Modified-Since': first.headers.get('Last-Modified') as string },
    })
    expect(conditional.status).toBe(200)
    const again = await edge('/legacy/users/1', { headers: { 'If-None-Match': etag } })
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
    await edge('/legacy/users/1')
    await edge('/legacy/users/1')
    const record = (await originRecords()).find((text) => text.includes('"2c1f-'))
    expect(record).toBeDefined()
    const parsed = JSON.parse(record as string)
    const [variant] = Object.values(parsed.variants) as { originTags: string[] }[]
    expect(variant?.originTags).toHaveLength(2)
    expect(record).not.toContain('Ada')
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

  it('get a 304 for a tag of their own bytes, hashed afresh, and leave no record', async () => {
    const cookie = { Cookie: 'session=ada' }
    const first = await edge('/legacy/me', { headers: cookie })
    // The body names the replica that answered, so ask the same replica again (round robin: every other).
    await edge('/legacy/hello.txt')
    const again = await edge('/legacy/me', {
      headers: { ...cookie, 'If-None-Match': first.headers.get('ETag') as string },
    })
    expect(again.status).toBe(304)
    // A record of /me would hold its Content-Type and a variant; none holds a private answer's tag.
    const records = await originRecords()
    expect(records.some((text) => text.includes(first.headers.get('ETag') as string))).toBe(false)
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
    // The origin's Location names its own path; the client gets this worker's URL for it.
    expect(created.headers.get('Location')).toBe(`${EDGE}/legacy/users/3`)
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
