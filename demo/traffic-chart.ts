/**
 * The chart of the last requests: one bar per request, blue for body bytes received, green for body bytes a
 * 304 saved, amber for a 412. Plain SVG, drawn again on every request: a few dozen rectangles cost nothing.
 */

import type { Exchange } from 'edge-etag-client'
import { svg } from './dom.ts'
import { formatBytes, requestPath } from './format.ts'

/** CHART_BARS is how many of the latest requests the chart shows. */
export const CHART_BARS = 40

const WIDTH = 460
const HEIGHT = 120
const TOP = 8
const BOTTOM = 104
// The left margin holds the scale's labels.
const LEFT = 40

/**
 * drawChart replaces the bars in `chart` (keeping its <title>) with the last CHART_BARS exchanges, oldest on
 * the left, scaled to the largest among them.
 *
 * @example drawChart(byId('chart', SVGSVGElement), exchanges)
 */
export function drawChart(chart: SVGSVGElement, exchanges: readonly Exchange[]): void {
  const shown = exchanges.slice(-CHART_BARS)
  const largest = Math.max(1, ...shown.map((exchange) => exchange.bytesReceived + exchange.bytesSaved))
  const slot = (WIDTH - LEFT - 4) / CHART_BARS
  const scale = (bytes: number) => (bytes / largest) * (BOTTOM - TOP)
  const parts: SVGElement[] = [
    svg('line', {
      class: 'axis',
      x1: String(LEFT - 4),
      x2: String(WIDTH),
      y1: String(BOTTOM),
      y2: String(BOTTOM),
    }),
    svg('line', {
      class: 'axis',
      x1: String(LEFT - 4),
      x2: String(WIDTH),
      y1: String(TOP),
      y2: String(TOP),
      'stroke-dasharray': '2 3',
    }),
    svg('text', { x: String(LEFT - 8), y: String(TOP + 4), 'text-anchor': 'end' }, formatBytes(largest)),
    svg('text', { x: String(LEFT - 8), y: String(BOTTOM + 3), 'text-anchor': 'end' }, '0'),
    svg('text', { x: String(LEFT), y: String(HEIGHT - 2) }, '← older'),
    svg('text', { x: String(WIDTH - 4), y: String(HEIGHT - 2), 'text-anchor': 'end' }, 'newer →'),
  ]
  shown.forEach((exchange, index) => {
    const x = LEFT + index * slot + 1
    const width = Math.max(2, slot - 3)
    const bar = svg('g', { 'data-status': String(exchange.status) })
    bar.append(
      svg(
        'title',
        {},
        `${exchange.method} ${requestPath(exchange.url)}: ${exchange.status}, ` +
          `${formatBytes(exchange.bytesReceived)} received, ${formatBytes(exchange.bytesSaved)} saved`,
      ),
    )
    let top = BOTTOM
    // A 412 carries only a short problem body; its bar is drawn in the conflict colour so it stands out.
    const receivedClass = exchange.status === 412 ? 'bar-conflict' : 'bar-received'
    for (const [bytes, className] of [
      [exchange.bytesReceived, receivedClass],
      [exchange.bytesSaved, 'bar-saved'],
    ] as const) {
      if (bytes === 0) continue
      const height = Math.max(2, scale(bytes))
      top -= height
      bar.append(
        svg('rect', {
          class: className,
          x: x.toFixed(1),
          y: top.toFixed(1),
          width: width.toFixed(1),
          height: height.toFixed(1),
          rx: '1.5',
        }),
      )
    }
    // A bodiless answer that saved nothing (a 204, a 412 without a body) still shows as a tick.
    if (top === BOTTOM) {
      bar.append(
        svg('rect', {
          class: receivedClass,
          x: x.toFixed(1),
          y: String(BOTTOM - 2),
          width: width.toFixed(1),
          height: '2',
        }),
      )
    }
    parts.push(bar)
  })
  const title = chart.querySelector('title')
  chart.replaceChildren(...(title === null ? [] : [title]), ...parts)
}
