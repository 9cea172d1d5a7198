/**
 * The traffic board: every exchange the client reports, totalled into the headline ("bytes saved by 304s"),
 * the counts by status, the chart and the log. It counts this page load only, so a reload starts from zero and
 * shows what a revisit costs.
 */

import type { Exchange } from '../client/types.ts'
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
    if (exchange.status >= 200 && exchange.status < 300) totals.ok++
    if (exchange.status === 304) totals.notModified++
    if (exchange.status === 412) totals.conflicts++
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
    byId('saved-note', HTMLElement).textContent = savedNote(totals)
    drawChart(this.#chart, this.#exchanges)
    document.body.dataset.notModified = String(totals.notModified)
  }
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
