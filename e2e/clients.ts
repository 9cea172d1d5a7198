/**
 * Real clients, run for real: each one fetches an item, then revalidates it, and the server answers 304.
 *
 * Starts `wrangler dev` with its own local KV and a counting reverse proxy in front of it, and drives curl,
 * Node's fetch, undici's caching interceptor, http-cache-semantics and headless Chromium through the proxy, one
 * item each. The 304s are counted at the proxy, as the server sent them, not as the clients report them, and each
 * client must then present the body of the first 200 (curl keeps no bodies: it shows the saved tag instead).
 *
 * Needs: /usr/bin/curl, /usr/bin/chromium (apt-get install -y chromium), and the npm packages undici,
 * http-cache-semantics and playwright-core.
 * Usage, from the project root: node_modules/.bin/node e2e/clients.ts   (15-25 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import CachePolicy from 'http-cache-semantics'
import { Agent, interceptors, fetch as undiciFetch } from 'undici'
import { Checks, exitAfter } from './checks.ts'
import { launchChromium } from './chromium.ts'
import type { CountingProxy, Exchange } from './counting-proxy.ts'
import { startCountingProxy } from './counting-proxy.ts'
import type { LocalServer } from './local-server.ts'
import { startLocalServer, WRITE_HEADERS } from './local-server.ts'

const REQUEST_TIMEOUT_MS = 15_000
const PAGE_PATH = '/e2e/page.html'
const BROWSER_ITEM = '/api/items/chromium'

/** Item is one seeded item: its path, and the body and ETag its PUT answered. */
interface Item {
  path: string
  body: string
  etag: string
}

async function seed(server: URL, id: string): Promise<Item> {
  const path = `/api/items/${id}`
  const response = await fetch(new URL(path, server), {
    method: 'PUT',
    headers: WRITE_HEADERS,
    body: JSON.stringify({ client: id, note: 'fetched, then revalidated', sizes: [1, 2, 3] }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const etag = response.headers.get('ETag')
  if (response.status !== 201 || etag === null) {
    throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`)
  }
  return { path, body: await response.text(), etag }
}

/** assertRevalidatedAtServer checks that the server answered the path 200, then 304; it returns the 304. */
function assertRevalidatedAtServer(proxy: CountingProxy, item: Item): Exchange {
  const exchanges = proxy.exchangesFor(item.path)
  assert.deepEqual(
    exchanges.map((exchange) => exchange.status),
    [200, 304],
    `statuses the server sent for GET ${item.path}`,
  )
  const notModified = exchanges[1] as Exchange
  assert.equal(notModified.responseHeaders.etag, item.etag, 'the 304 ETag')
  return notModified
}

/** describe names the validators and cache headers a revalidation sent, for the report line. */
function describe(exchange: Exchange): string {
  const headers = exchange.requestHeaders
  const sent = [
    ...['if-none-match', 'if-modified-since'].filter((name) => headers[name] !== undefined),
    ...['cache-control', 'pragma', 'accept-encoding'].flatMap((name) =>
      headers[name] === undefined ? [] : [`${name}: ${String(headers[name])}`],
    ),
  ]
  const encoding = exchange.responseHeaders['content-encoding']
  return `sent ${sent.join(', ')}; 304${encoding === undefined ? '' : ` labelled content-encoding: ${encoding}`}`
}

const execFileAsync = promisify(execFile)

async function curlClient(proxy: CountingProxy, item: Item): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-etag-curl-'))
  try {
    const url = new URL(item.path, proxy.url).href
    const tagFile = join(dir, 'etag.txt')
    const bodyFile = join(dir, 'body.json')
    const curl = (...args: string[]) =>
      execFileAsync('/usr/bin/curl', ['-sS', '--max-time', '10', '-w', '%{http_code}', ...args, url], {
        timeout: REQUEST_TIMEOUT_MS,
      })
    const first = await curl('-o', bodyFile, '--etag-save', tagFile)
    const second = await curl('-o', join(dir, 'second.json'), '--etag-compare', tagFile)
    assert.equal(first.stdout, '200')
    assert.equal(second.stdout, '304')
    assert.equal(readFileSync(bodyFile, 'utf8'), item.body)
    assert.equal(readFileSync(tagFile, 'utf8').trim(), item.etag, 'the ETag curl saved')
    return describe(assertRevalidatedAtServer(proxy, item))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function nodeFetchClient(proxy: CountingProxy, item: Item): Promise<string> {
  const url = new URL(item.path, proxy.url)
  const first = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  const cached = { body: await first.text(), etag: first.headers.get('ETag') ?? '' }
  const second = await fetch(url, {
    headers: { 'If-None-Match': cached.etag },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  assert.equal(first.status, 200)
  assert.equal(second.status, 304)
  assert.equal(await second.text(), '')
  assert.equal(cached.body, item.body, 'the body kept from the 200')
  return describe(assertRevalidatedAtServer(proxy, item))
}

async function undiciCacheClient(proxy: CountingProxy, item: Item): Promise<string> {
  const agent = new Agent().compose(interceptors.cache())
  try {
    const url = new URL(item.path, proxy.url)
    const fetchOnce = async () => {
      const response = await undiciFetch(url, {
        dispatcher: agent,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
      return { status: response.status, body: await response.text() }
    }
    const first = await fetchOnce()
    const second = await fetchOnce()
    // The interceptor turns the server's 304 into the cached 200.
    assert.deepEqual(first, { status: 200, body: item.body })
    assert.deepEqual(second, { status: 200, body: item.body })
    return describe(assertRevalidatedAtServer(proxy, item))
  } finally {
    await agent.close()
  }
}

interface RawReply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

function getRaw(url: URL, headers: Record<string, string | string[] | undefined>): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpGet(url, { headers, timeout: REQUEST_TIMEOUT_MS }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
      incoming.on('error', reject)
    })
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${url} timed out`)))
    outgoing.on('error', reject)
  })
}

async function httpCacheSemanticsClient(proxy: CountingProxy, item: Item): Promise<string> {
  const url = new URL(item.path, proxy.url)
  const request = { url: item.path, method: 'GET', headers: { host: url.host } }
  const first = await getRaw(url, request.headers)
  const policy = new CachePolicy(request, { status: first.status, headers: first.headers })
  assert.ok(policy.storable(), 'the 200 is storable')
  // Cache-Control: no-cache: stored, but never reused without asking the server.
  assert.equal(policy.satisfiesWithoutRevalidation(request), false)
  const second = await getRaw(url, policy.revalidationHeaders(request))
  const { modified } = policy.revalidatedPolicy(request, { status: second.status, headers: second.headers })
  assert.equal(second.status, 304)
  assert.equal(modified, false)
  assert.equal(first.body, item.body, 'the cached body')
  return describe(assertRevalidatedAtServer(proxy, item))
}

// The browser's own HTTP cache must revalidate the second fetch; the page shows both bodies and statuses.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>edge-etag: revalidation in the browser</title>
<pre id="first"></pre>
<pre id="second"></pre>
<script type="module">
  const first = await fetch('${BROWSER_ITEM}')
  document.querySelector('#first').textContent = await first.text()
  const second = await fetch('${BROWSER_ITEM}')
  document.querySelector('#second').textContent = await second.text()
  document.body.dataset.statuses = first.status + ' ' + second.status
</script>
`

async function chromiumClient(proxy: CountingProxy, item: Item): Promise<string> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    await page.goto(new URL(PAGE_PATH, proxy.url).href, { timeout: REQUEST_TIMEOUT_MS })
    await page.waitForSelector('body[data-statuses]', { state: 'attached', timeout: REQUEST_TIMEOUT_MS })
    assert.equal(await page.textContent('#first'), item.body)
    assert.equal(await page.textContent('#second'), item.body)
    // The browser's cache hands the page the stored 200 when the server says 304.
    assert.equal(await page.getAttribute('body', 'data-statuses'), '200 200')
    return describe(assertRevalidatedAtServer(proxy, item))
  } finally {
    await browser.close()
  }
}

/** CLIENTS are the clients under test: the check's name, the item id each one gets, and the client. */
const CLIENTS: Array<[string, string, (proxy: CountingProxy, item: Item) => Promise<string>]> = [
  ['curl --etag-save, then --etag-compare', 'curl', curlClient],
  ["Node's fetch with If-None-Match", 'node-fetch', nodeFetchClient],
  ["undici's cache interceptor, two fetches", 'undici-cache', undiciCacheClient],
  ['http-cache-semantics revalidationHeaders', 'http-cache-semantics', httpCacheSemanticsClient],
  ["headless Chromium's HTTP cache, two fetches", BROWSER_ITEM.slice('/api/items/'.length), chromiumClient],
]

exitAfter(240_000)
const checks = new Checks()
let server: LocalServer | undefined
let proxy: CountingProxy | undefined
try {
  server = await startLocalServer('clients')
  const counting = await startCountingProxy(server.url, { [PAGE_PATH]: PAGE })
  proxy = counting
  // Seeded straight into the server, so the proxy sees only the clients.
  const items: Item[] = []
  for (const [, id] of CLIENTS) items.push(await seed(server.url, id))
  for (const [index, [name, , client]] of CLIENTS.entries()) {
    const item = items[index] as Item
    await checks.run(`${name}: 200, then 304 at the server, cached body presented`, () =>
      client(counting, item),
    )
  }
} catch (error) {
  checks.fail('the server or the proxy could not be set up', error)
} finally {
  await proxy?.close()
  await server?.stop()
  checks.finish()
}
