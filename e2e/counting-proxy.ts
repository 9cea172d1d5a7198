/**
 * A counting reverse proxy: it records every status the server sends, per path, so a test can count 304s at the
 * server rather than trust what a client reports. It forwards bytes and headers as they are: the client's own
 * Accept-Encoding goes upstream, and compressed bodies come back still compressed (node:http, not fetch, which
 * would decode them). It also serves fixed pages of its own, so a browser page shares the API's origin.
 */

import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { createServer, request } from 'node:http'

/** Exchange is one request that went through the proxy and the answer the server gave it. */
export interface Exchange {
  method: string
  path: string
  status: number
  requestHeaders: IncomingHttpHeaders
  responseHeaders: IncomingHttpHeaders
}

/** CountingProxy is a running proxy. */
export interface CountingProxy {
  /** url is the proxy's own origin, e.g. http://127.0.0.1:40125/. */
  readonly url: URL
  /** exchangesFor returns what went to the server for one path (query included), in order. */
  exchangesFor(path: string): Exchange[]
  close(): Promise<void>
}

// RFC 9110 section 7.6.1: connection-specific fields are for one hop only; Node frames each hop itself.
const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
]

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP_HEADERS.includes(name)) kept[name] = value
  }
  return kept
}

/**
 * startCountingProxy listens on a free loopback port and forwards every request to `upstream`, except the
 * paths in `pages`, which it answers itself as text/html.
 *
 * @example
 * const proxy = await startCountingProxy(server.url, { '/page.html': '<!doctype html>...' })
 * await fetch(new URL('/api/items/apple', proxy.url))
 * proxy.exchangesFor('/api/items/apple').map((exchange) => exchange.status) // [200]
 */
export async function startCountingProxy(
  upstream: URL,
  pages: Record<string, string>,
): Promise<CountingProxy> {
  const exchanges: Exchange[] = []

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const path = incoming.url ?? '/'
    const page = pages[path]
    if (page !== undefined) {
      outgoing.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      outgoing.end(page)
      return
    }
    const upstreamRequest = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path,
        headers: { ...endToEndHeaders(incoming.headers), host: upstream.host },
      },
      (answer) => {
        const status = answer.statusCode ?? 502
        exchanges.push({
          method: incoming.method ?? 'GET',
          path,
          status,
          requestHeaders: incoming.headers,
          responseHeaders: answer.headers,
        })
        outgoing.writeHead(status, answer.statusMessage, endToEndHeaders(answer.headers))
        answer.pipe(outgoing)
      },
    )
    upstreamRequest.on('error', (error) => {
      outgoing.writeHead(502, { 'Content-Type': 'text/plain' }).end(`proxy: ${error.message}`)
    })
    incoming.pipe(upstreamRequest)
  }

  const server = createServer(forward)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no address')

  return {
    url: new URL(`http://127.0.0.1:${address.port}/`),
    exchangesFor: (path) => exchanges.filter((exchange) => exchange.path === path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
