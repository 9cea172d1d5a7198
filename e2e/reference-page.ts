/**
 * The API reference page at /docs, in headless Chromium: it renders every operation of /openapi.json (Swagger
 * UI from the worker's own assets, nothing loaded from elsewhere, no script error, nothing the page's
 * Content-Security-Policy refused), and "Try it out" works against the server: with the token pasted into
 * Authorize, a PUT creates a document (201), and a GET of it answers 200 with its ETag. Writes a screenshot to
 * e2e/screenshots/reference.png.
 *
 * Needs: /usr/bin/chromium (apt-get install -y chromium) and the npm package playwright-core.
 * Usage, from the project root: node_modules/.bin/node e2e/reference-page.ts   (20-40 s; no account, no network)
 */

import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Locator, Page } from 'playwright-core'
import { Checks, exitAfter } from './checks.ts'
import { launchChromium } from './chromium.ts'
import { E2E_TOKEN, type LocalServer, startLocalServer } from './local-server.ts'

const TIMEOUT_MS = 15_000
/** SCREENSHOT is where the picture of the page goes; e2e/screenshots/ is gitignored. */
const SCREENSHOT = fileURLToPath(new URL('./screenshots/reference.png', import.meta.url))
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options']

interface OpenApi {
  readonly paths: Record<string, Record<string, unknown>>
}

/** operationsOf lists the description's operations as Swagger UI labels them: "GET /api/items/{id}". */
function operationsOf(description: OpenApi): string[] {
  return Object.entries(description.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  )
}

/** operation returns the rendered block of one operation. */
function operation(page: Page, method: string, path: string): Locator {
  return page.locator(`.opblock-${method}`).filter({
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  })
}

async function renders(page: Page, server: LocalServer): Promise<string> {
  const description = (await (await fetch(new URL('/openapi.json', server.url))).json()) as OpenApi
  const expected = operationsOf(description).sort()
  const rendered = await page.$$eval('.opblock', (blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent ?? ''
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
      return `${method} ${path}`
    }),
  )
  assert.deepEqual(rendered.sort(), expected)
  return `${rendered.length} operations`
}

async function authorize(page: Page): Promise<void> {
  await page.click('.auth-wrapper .authorize')
  await page.fill('.modal-ux input[type="text"], .modal-ux input[type="password"]', E2E_TOKEN)
  await page.click('.modal-ux .auth-btn-wrapper button.authorize')
  await page.click('.modal-ux .btn-done')
}

/** tryIt opens an operation, fills its id (and body), executes it and returns the status it shows. */
async function tryIt(page: Page, method: string, path: string, id: string, body?: string): Promise<string> {
  const block = operation(page, method, path)
  await block.locator('.opblock-summary-control').click()
  const tryOut = block.locator('.try-out__btn')
  if ((await tryOut.textContent())?.includes('Try it out')) await tryOut.click()
  await block.locator('tr[data-param-name="id"] input').fill(id)
  if (body !== undefined) await block.locator('textarea.body-param__text').fill(body)
  await block.locator('.execute').click()
  const status = block.locator('.live-responses-table .response .response-col_status')
  await status.first().waitFor({ timeout: TIMEOUT_MS })
  return (await status.first().textContent())?.trim() ?? ''
}

async function triesItOut(page: Page, server: LocalServer): Promise<string> {
  await authorize(page)
  const created = await tryIt(page, 'put', '/api/items/{id}', 'from-the-reference', '{"name": "Pear"}')
  assert.equal(created, '201')
  const read = await tryIt(page, 'get', '/api/items/{id}', 'from-the-reference')
  assert.equal(read, '200')
  const stored = await fetch(new URL('/api/items/from-the-reference', server.url))
  assert.deepEqual(await stored.json(), { name: 'Pear' })
  const etag = stored.headers.get('ETag') ?? ''
  const shown = await operation(page, 'get', '/api/items/{id}').locator('.live-responses-table').textContent()
  assert.ok(shown?.includes(etag), `the GET's answer shows its ETag ${etag}`)
  return `PUT 201, GET 200 with ETag ${etag}`
}

exitAfter(180_000)
const checks = new Checks()
const problems: string[] = []
let server: LocalServer | undefined
let browser: Browser | undefined
try {
  server = await startLocalServer('reference page')
  const started = server
  browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('request', (request) => {
    if (!request.url().startsWith(started.url.origin)) problems.push(`request to ${request.url()}`)
  })
  await page.goto(new URL('/docs', started.url).href, { timeout: TIMEOUT_MS })
  await page.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: TIMEOUT_MS })
  await page.waitForSelector('.opblock', { timeout: TIMEOUT_MS })
  await checks.run('/docs renders every operation of /openapi.json', () => renders(page, started))
  mkdirSync(fileURLToPath(new URL('./screenshots/', import.meta.url)), { recursive: true })
  await page.screenshot({ path: SCREENSHOT })
  await checks.run('"Try it out" with the pasted token writes and reads against the server', () =>
    triesItOut(page, started),
  )
  await checks.run('nothing loaded from elsewhere, no script error, nothing refused by the CSP', async () => {
    assert.deepEqual(problems, [])
    return undefined
  })
} catch (error) {
  checks.fail('the server or the browser could not be set up', error)
} finally {
  await browser?.close()
  await server?.stop()
  checks.finish()
}
