/**
 * The request log: one row per HTTP exchange, newest first, with its status badge, the body bytes that came
 * over the wire, the bytes a 304 saved, and how long it took.
 */

import type { Exchange } from 'edge-etag-client'
import { h } from './dom.ts'
import { formatBytes, requestPath } from './format.ts'

/** LOG_ROWS is how many rows the log keeps; older ones are dropped. */
export const LOG_ROWS = 200

/**
 * badgeClass returns the badge style for a status: 304 green, 412 amber, other 4xx and 5xx (and no answer) red,
 * the rest blue.
 *
 * @example badgeClass(304) // 'badge badge-304'
 */
export function badgeClass(status: number): string {
  if (status === 304 || status === 412) return `badge badge-${status}`
  return status === 0 || status >= 400 ? 'badge badge-error' : 'badge'
}

/**
 * logExchange adds a row for `exchange` at the top of `log`. The row carries data-method, data-path,
 * data-status and data-outcome, for the end-to-end check and for anyone inspecting the page.
 *
 * @example client = createClient({ baseUrl, onExchange: (exchange) => logExchange(body, exchange) })
 */
export function logExchange(log: HTMLTableSectionElement, exchange: Exchange): void {
  const path = requestPath(exchange.url)
  const row = h(
    'tr',
    {
      class: 'fresh',
      'data-method': exchange.method,
      'data-path': path,
      'data-status': String(exchange.status),
      'data-outcome': exchange.outcome,
    },
    h(
      'td',
      { class: 'request', title: `${exchange.method} ${path}` },
      h('span', { class: 'method' }, exchange.method),
      path,
    ),
    h(
      'td',
      {},
      h(
        'span',
        { class: badgeClass(exchange.status) },
        exchange.status === 0 ? '—' : String(exchange.status),
      ),
    ),
    h('td', { class: 'num' }, formatBytes(exchange.bytesReceived)),
    h(
      'td',
      { class: exchange.bytesSaved > 0 ? 'num saved' : 'num' },
      exchange.bytesSaved > 0 ? formatBytes(exchange.bytesSaved) : '–',
    ),
    h('td', { class: 'num' }, String(Math.round(exchange.durationMs))),
  )
  log.prepend(row)
  while (log.rows.length > LOG_ROWS) log.lastElementChild?.remove()
}
