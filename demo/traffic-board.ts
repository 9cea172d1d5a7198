/**
 * The traffic board: every exchange the client reports, totalled into the headline ("bytes saved by 304s"),
 * the counts by status, the chart and the log. It counts this page load only, so a reload starts from zero and
 * shows what a revisit costs.
 */

import type { Exchange } from 'edge-etag-client'
import { byId } from './dom.ts'
import { formatBytes } from './format.ts'
import { drawChart } from './traffic-chart.ts'
import { logExchange } from './traffic-log.ts'

/** TrafficTotals are the sums the headline shows. */
export interface TrafficTotals {
  requests: number
  ok: number
  notModified: number
  conflicts: number
  /** Every other status (a 401 without the token, a 404, a 422): each request is in exactly one count. */
  other: number
  bytesReceived: number
  bytesSaved: number
}

/**
 * TrafficBoard renders what the client reports into the scoreboard, chart and log of index.html.
 *
 * @example
 * const board = new TrafficBoard()
 * createClient({ baseUrl, onExchange: (exchange) => board.record(exchange) })
 */
export class TrafficBoard {
  readonly totals: TrafficTotals = {
    requests: 0,
    ok: 0,
    notModified: 0,
    conflicts: 0,
    other: 0,
    bytesReceived: 0,
    bytesSaved: 0,
  }
  readonly #exchanges: Exchange[] = []
  readonly #chart = byId('chart', SVGSVGElement)
  readonly #log = byId('log', HTMLTableSectionElement)
  #pending = false

  /** record adds one exchange to the totals and the log, and redraws the rest once per frame. */
  record(exchange: Exchange): void {
    const totals = this.totals
    totals.requests++
    totals[countOf(exchange.status)]++
    totals.bytesReceived += exchange.bytesReceived
    totals.bytesSaved += exchange.bytesSaved
    this.#exchanges.push(exchange)
    logExchange(this.#log, exchange)
    // The chart and the counters are redrawn once per frame, however many requests a revalidation sends.
    if (this.#pending) return
    this.#pending = true
    requestAnimationFrame(() => {
      this.#pending = false
      this.#render()
    })
  }

  #render(): void {
    const totals = this.totals
    byId('saved-bytes', HTMLElement).textContent = formatBytes(totals.bytesSaved)
    byId('received-bytes', HTMLElement).textContent = formatBytes(totals.bytesReceived)
    byId('request-count', HTMLElement).textContent = String(totals.requests)
    byId('count-200', HTMLElement).textContent = String(totals.ok)
    byId('count-304', HTMLElement).textContent = String(totals.notModified)
    byId('count-412', HTMLElement).textContent = String(totals.conflicts)
    byId('count-other', HTMLElement).textContent = String(totals.other)
    byId('saved-note', HTMLElement).textContent = savedNote(totals)
    drawChart(this.#chart, this.#exchanges)
    document.body.dataset.notModified = String(totals.notModified)
  }
}

// The one count a status adds to, so that the badges always add up to the requests.
function countOf(status: number): 'ok' | 'notModified' | 'conflicts' | 'other' {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 304) return 'notModified'
  if (status === 412) return 'conflicts'
  return 'other'
}

// The sentence under the headline: what the number means, in this visit's terms.
function savedNote(totals: TrafficTotals): string {
  const reads = totals.ok + totals.notModified
  if (totals.notModified === 0) {
    return reads === 0
      ? 'Nothing cached yet: the first visit downloads every body.'
      : 'First visit: every body came over the wire. Reload the page to see 304s.'
  }
  const share = Math.round((100 * totals.bytesSaved) / Math.max(1, totals.bytesSaved + totals.bytesReceived))
  return `${totals.notModified} of ${reads} reads were 304s: ${share}% of the JSON never had to be sent again.`
}
