/**
 * The demo page at /, in headless Chromium: it lists the documents, a reload revalidates them (the page shows
 * 304s, and the server sent them), two tabs saving one task end in a 412, the conflict panel and a merge
 * that keeps both edits on the server, and a task created through the form (a POST) shows in the open tasks'
 * filtered page, which revalidates to a 304. It writes a screenshot of the conflict to e2e/screenshots/demo.png.
 *
 * Starts `wrangler dev` (which builds the page into public/ first) with its own local KV, creates the demo
 * documents of scripts/demo-data.json over HTTP, and puts a counting proxy in front, so the 304s and the 412 are
 * counted as the server sent them. Each tab is a page of one browser context: they share localStorage (the
 * token) and each keeps its own sessionStorage, where the page's client holds what it has read.
 *
 * Needs: /usr/bin/chromium (apt-get install -y chromium) and the npm package playwright-core.
 * Usage, from the project root: node_modules/.bin/node e2e/demo-page.ts   (20-40 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { Checks, exitAfter } from './checks.ts'
import { launchChromium } from './chromium.ts'
import type { CountingProxy } from './counting-proxy.ts'
import { startCountingProxy } from './counting-proxy.ts'
import type { LocalServer } from './local-server.ts'
import { E2E_TOKEN, startLocalServer, WRITE_HEADERS } from './local-server.ts'

const TIMEOUT_MS = 15_000
/** SCREENSHOT is where the picture of the conflict goes; e2e/screenshots/ is gitignored. */
const SCREENSHOT = fileURLToPath(new URL('./screenshots/demo.png', import.meta.url))
const TASK = '/api/tasks/buy-milk'
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

type DemoData = Record<string, { id: string; value: Record<string, unknown> }[]>
const DEMO: DemoData = JSON.parse(readFileSync(new URL('../scripts/demo-data.json', import.meta.url), 'utf8'))

/** createDemoDocuments PUTs the demo documents straight into the server, so the proxy sees only the page. */
async function createDemoDocuments(server: URL): Promise<void> {
  for (const [resource, documents] of Object.entries(DEMO)) {
    for (const { id, value } of documents) {
      const response = await fetch(new URL(`/api/${resource}/${id}`, server), {
        method: 'PUT',
        headers: WRITE_HEADERS,
        body: JSON.stringify(value),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      if (response.status !== 201)
        throw new Error(`PUT ${resource}/${id}: ${response.status} ${await response.text()}`)
    }
  }
}

/** openTab opens the page in a new tab of the browser's one context and waits until it has drawn its lists. */
async function openTab(browser: Browser, proxy: CountingProxy, problems: string[]): Promise<Page> {
  const context =
    browser.contexts()[0] ?? (await browser.newContext({ viewport: { width: 1280, height: 800 } }))
  const page = await context.newPage()
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // Chromium logs every 4xx as a failed load; the 412 and the 401 are the ones these checks expect.
    if (message.type() === 'error' && !/status of (401|412)\b/.test(message.text())) {
      problems.push(`console error: ${message.text()}`)
    }
  })
  // Nothing is loaded from anywhere but the page's own origin: no CDN, no fonts.
  page.on('request', (request) => {
    if (!request.url().startsWith(proxy.url.origin)) problems.push(`request to ${request.url()}`)
  })
  await page.goto(proxy.url.href, { timeout: TIMEOUT_MS })
  await ready(page)
  return page
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: TIMEOUT_MS })
}

function listedIds(page: Page, resource: string): Promise<string[]> {
  return page.$$eval(`#${resource}-list button[data-id]`, (buttons) =>
    buttons.map((button) => button.getAttribute('data-id') ?? ''),
  )
}

/** loggedRows returns the page's request log, oldest first, as "METHOD path status". */
async function loggedRows(page: Page): Promise<{ method: string; path: string; status: number }[]> {
  const rows = await page.$$eval('#log tr', (trs) =>
    trs.map((tr) => [
      tr.getAttribute('data-method'),
      tr.getAttribute('data-path'),
      tr.getAttribute('data-status'),
    ]),
  )
  return rows
    .reverse()
    .map(([method, path, status]) => ({ method: method ?? '', path: path ?? '', status: Number(status) }))
}

async function saveTask(page: Page): Promise<void> {
  await page.click('#task-form button[type="submit"]')
}

exitAfter(240_000)
const checks = new Checks()
const problems: string[] = []
let server: LocalServer | undefined
let proxy: CountingProxy | undefined
let browser: Browser | undefined
try {
  server = await startLocalServer('demo page')
  await createDemoDocuments(server.url)
  const counting = await startCountingProxy(server.url, {})
  proxy = counting
  const launched = await launchChromium()
  browser = launched
  await launched.newContext({ viewport: { width: 1280, height: 800 } })
  const tabA = await openTab(launched, counting, problems)

  await checks.run('GET / is the demo page, served by the worker, listing every document', async () => {
    assert.deepEqual(
      counting
        .exchangesFor('/')
        .map((exchange) => [exchange.status, exchange.responseHeaders['content-type']]),
      [[200, 'text/html; charset=utf-8']],
    )
    const description = (await (await fetch(new URL('/openapi.json', server?.url))).json()) as {
      paths: Record<string, unknown>
    }
    const described = Object.keys(description.paths).flatMap(
      (path) => /^\/api\/([^/]+)\/\{id\}$/.exec(path)?.[1] ?? [],
    )
    assert.deepEqual(
      await tabA.$$eval('#resource-lists ul', (lists) => lists.map((list) => list.id)),
      described.map((name) => `${name}-list`),
      'one list per resource of /openapi.json',
    )
    assert.deepEqual(
      await tabA.$$eval('a[href="/docs/"], a[href="/openapi.json"]', (links) =>
        links.map((link) => link.textContent),
      ),
      ['API reference', '/openapi.json'],
      'the page links to the reference page and the description',
    )
    assert.deepEqual(
      await listedIds(tabA, 'items'),
      DEMO.items?.map((document) => document.id),
    )
    assert.deepEqual(
      await listedIds(tabA, 'tasks'),
      DEMO.tasks?.map((document) => document.id),
    )
    assert.equal(await tabA.getAttribute('body', 'data-editing'), 'tasks/buy-milk', 'the first task is open')
    const statuses = (await loggedRows(tabA)).map((row) => row.status)
    assert.deepEqual(statuses, [200, 200, 200], 'the first visit reads both lists and the task')
    return `${statuses.length} requests, all 200`
  })

  await checks.run(
    'after a reload the page shows 304s, bytes saved, and the server sent those 304s',
    async () => {
      await tabA.reload({ timeout: TIMEOUT_MS })
      await ready(tabA)
      await tabA.waitForSelector('body[data-not-modified="3"]', { state: 'attached', timeout: TIMEOUT_MS })
      const rows = await loggedRows(tabA)
      assert.deepEqual(
        rows.map((row) => row.status),
        [304, 304, 304],
        'every read of the reload revalidated',
      )
      for (const row of rows) {
        const atServer = counting.exchangesFor(row.path)
        assert.deepEqual(
          atServer.map((exchange) => exchange.status),
          [200, 304],
          `the server's answers to GET ${row.path}`,
        )
        assert.ok(
          atServer[1]?.requestHeaders['if-none-match'],
          `the reload of ${row.path} sent If-None-Match`,
        )
      }
      assert.equal(await tabA.textContent('#count-304'), '3')
      const saved = (await tabA.textContent('#saved-bytes')) ?? ''
      assert.match(saved, /^[1-9]\d* (B|kB)$/, 'the headline counts the bytes saved')
      return `${rows.map((row) => row.path).join(', ')}; ${saved} saved`
    },
  )

  await checks.run(
    'two tabs save one task: the second gets a 412, sees both versions, and merges',
    async () => {
      // Tab A saves with the token typed into the page; tab B shares it through localStorage.
      await tabA.fill('#token', E2E_TOKEN)
      await tabA.press('#token', 'Enter')
      const tabB = await openTab(launched, counting, problems)
      await tabB.click('#revalidate')
      await tabB.waitForSelector('body[data-not-modified="3"]', { state: 'attached', timeout: TIMEOUT_MS })
      await tabB.click('#tasks-list button[data-id="buy-milk"]')

      await tabA.fill('#task-title', 'Buy oat milk')
      await saveTask(tabA)
      await tabA.waitForSelector('#editor-message[data-tone="ok"]', { timeout: TIMEOUT_MS })

      await tabB.fill('#task-due', '2026-12-24')
      await saveTask(tabB)
      await tabB.waitForSelector('#conflict:not([hidden])', { timeout: TIMEOUT_MS })
      assert.match((await tabB.textContent('#conflict-heading')) ?? '', /Someone else changed this document/)
      assert.match((await tabB.textContent('#conflict-theirs')) ?? '', /"title": "Buy oat milk"/)
      assert.match((await tabB.textContent('#conflict-mine')) ?? '', /"due": "2026-12-24"/)
      assert.ok(
        (await loggedRows(tabB)).some((row) => row.method === 'PUT' && row.status === 412),
        'B logs the 412',
      )
      mkdirSync(new URL('./screenshots/', import.meta.url), { recursive: true })
      await tabB.evaluate('window.scrollTo(0, 0)')
      await tabB.screenshot({ path: SCREENSHOT })

      await tabB.click('[data-resolve="merge"]')
      await tabB.waitForSelector('#conflict[hidden]', { state: 'attached', timeout: TIMEOUT_MS })
      await tabB.waitForSelector('#editor-message[data-tone="ok"]', { timeout: TIMEOUT_MS })
      const writes = counting.exchangesFor(TASK).filter((exchange) => exchange.method === 'PUT')
      assert.deepEqual(
        writes.map((exchange) => exchange.status),
        [200, 412, 200],
        'the server answered A, B, then the merge',
      )
      assert.equal(
        writes[1]?.requestHeaders['if-match'],
        writes[0]?.requestHeaders['if-match'],
        'both tabs sent one tag',
      )
      const stored = await fetch(new URL(TASK, server?.url), { signal: AbortSignal.timeout(TIMEOUT_MS) })
      assert.deepEqual(await stored.json(), {
        title: 'Buy oat milk',
        done: false,
        due: '2026-12-24',
        tags: ['home'],
      })
      assert.equal(await tabB.inputValue('#task-title'), 'Buy oat milk', 'B shows the merged task')
      return `PUT statuses ${writes.map((exchange) => exchange.status).join(', ')}; screenshot ${SCREENSHOT}`
    },
  )

  await checks.run('the page comes with its own security fields, and runs under them', async () => {
    const [page] = counting.exchangesFor('/')
    const policy = page?.responseHeaders['content-security-policy'] ?? ''
    assert.match(String(policy), /script-src 'self'/)
    assert.doesNotMatch(String(policy), /unsafe-inline|unsafe-eval/)
    assert.match(String(policy), /frame-ancestors 'none'/)
    assert.equal(page?.responseHeaders['x-content-type-options'], 'nosniff')
    assert.equal(page?.responseHeaders['referrer-policy'], 'no-referrer')
    // The page did all of the above under that policy: a violation is a console error, which the last check
    // counts, and the lists it drew show its script ran.
    assert.equal(await tabA.getAttribute('body', 'data-state'), 'ready')
    // A redirect of the files names no host: the Host a client sent is not reflected.
    const index = await fetch(new URL('/index.html', server?.url), { redirect: 'manual' })
    await index.arrayBuffer()
    const location = index.headers.get('Location')
    assert.ok(location === null || location.startsWith('/'), `Location: ${location}`)
    return `${String(policy)}; /index.html: ${index.status} ${location}`
  })

  await checks.run('a file answers other methods as a route does: 405 or 204 with Allow', async () => {
    const url = new URL('/', server?.url)
    const post = await fetch(url, { method: 'POST' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('Allow'), 'GET, HEAD, OPTIONS')
    assert.equal(post.headers.get('Content-Type'), 'application/problem+json')
    await post.arrayBuffer()
    const options = await fetch(new URL('/main.js', server?.url), { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal(options.headers.get('Allow'), 'GET, HEAD, OPTIONS')
    return 'POST / 405, OPTIONS /main.js 204, both with Allow'
  })

  await checks.run(
    'a task created through the form is POSTed, the open filter lists it, and its page revalidates to a 304',
    async () => {
      // Create: the server picks the id, and the editor opens the new task from what the POST answered.
      await tabA.selectOption('#new-doc-resource', 'tasks')
      await tabA.fill('#new-doc-title', 'Walk the dog')
      await tabA.click('#new-doc-form button[type="submit"]')
      // A UUIDv7 begins with the time in hex: "0" until the year 2527 (the page's CSP allows no evaluated string).
      await tabA.waitForSelector('body[data-editing^="tasks/0"]', { state: 'attached', timeout: TIMEOUT_MS })
      const id = ((await tabA.getAttribute('body', 'data-editing')) ?? '').slice('tasks/'.length)
      assert.match(id, UUID_V7)
      const [created] = counting.exchangesFor('/api/tasks').filter((exchange) => exchange.method === 'POST')
      assert.equal(created?.status, 201, 'the server created it')
      assert.equal(created?.responseHeaders.location, `/api/tasks/${id}`)
      assert.match(String(created?.requestHeaders['idempotency-key']), /^"[0-9a-f-]{36}"$/, 'with a key')
      assert.equal(await tabA.inputValue('#task-title'), 'Walk the dog')
      const opened = counting.exchangesFor(`/api/tasks/${id}`).map((exchange) => exchange.status)
      assert.deepEqual(opened, [304], 'the editor revalidated what the POST answered')

      // Filter: open tasks only, through the tasks' ?done=false index.
      const openPage = '/api/tasks?done=false&limit=100'
      await tabA.check('#task-filters input[value="open"]')
      await tabA.waitForSelector('#tasks-list[data-query="done=false"][aria-busy="false"]', {
        state: 'attached',
        timeout: TIMEOUT_MS,
      })
      const openIds = (DEMO.tasks ?? []).filter((task) => task.value.done === false).map((task) => task.id)
      assert.deepEqual(await listedIds(tabA, 'tasks'), [id, ...openIds].sort(), 'the open tasks, in id order')

      // Revalidate: the filtered page is asked again with its tag and answered 304, in the log and at the server.
      await tabA.click('#revalidate')
      await tabA.waitForSelector(`#log tr[data-path="${openPage}"][data-status="304"]`, {
        state: 'attached',
        timeout: TIMEOUT_MS,
      })
      const atServer = counting.exchangesFor(openPage)
      assert.deepEqual(
        atServer.map((exchange) => exchange.status),
        [200, 304],
        `the server's answers to GET ${openPage}`,
      )
      assert.ok(atServer[1]?.requestHeaders['if-none-match'], 'the revalidation sent If-None-Match')
      assert.match((await tabA.textContent('#tasks-query')) ?? '', /done=false.*304/)
      return `POST 201 ${id}; GET ${openPage}: ${atServer.map((exchange) => exchange.status).join(', ')}`
    },
  )

  await checks.run(
    'a save without the token is a 401, counted under "other", so the badges add up',
    async () => {
      await tabA.fill('#token', '')
      await tabA.press('#token', 'Enter')
      await tabA.click('#task-form button[type="submit"]')
      await tabA.waitForSelector('#log tr[data-method="PUT"][data-status="401"]', {
        state: 'attached',
        timeout: TIMEOUT_MS,
      })
      await tabA.locator('#count-other', { hasText: /^1$/ }).waitFor({ timeout: TIMEOUT_MS })
      const counts = await Promise.all(
        ['#count-200', '#count-304', '#count-412', '#count-other', '#request-count'].map(async (selector) =>
          Number(await tabA.textContent(selector)),
        ),
      )
      const requests = counts.pop()
      assert.equal(
        counts.reduce((sum, count) => sum + count, 0),
        requests,
        `badges ${counts.join(' + ')} add up to the ${requests} requests`,
      )
      assert.match((await tabA.textContent('#editor-message')) ?? '', /write token/)
      return `badges ${counts.join(' + ')} = ${requests} requests`
    },
  )

  await checks.run('the pages loaded nothing from elsewhere and logged no errors', async () => {
    assert.deepEqual(problems, [])
    return undefined
  })
} catch (error) {
  checks.fail('the server, the proxy or the browser could not be set up', error)
} finally {
  await browser?.close()
  await proxy?.close()
  await server?.stop()
  checks.finish()
}
if (existsSync(SCREENSHOT)) console.log(`screenshot: ${SCREENSHOT}`)
