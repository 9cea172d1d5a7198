/**
 * The few DOM helpers the page needs: find an element that index.html must have, and build small trees.
 */

/**
 * byId returns the element with `id`, checked to be a `type`; it throws when index.html lacks it, so a renamed
 * id fails at load rather than later, silently.
 *
 * @example const list = byId('tasks-list', HTMLUListElement)
 */
export function byId<T extends Element>(id: string, type: abstract new () => T): T {
  const element = document.getElementById(id)
  if (!(element instanceof type)) throw new Error(`index.html has no #${id} of type ${type.name}`)
  return element
}

/** Child is what h() accepts as a child: an element, text, or nothing. */
export type Child = Node | string | null | undefined | false

/**
 * h creates an element with attributes and children; text children are set as text, never as HTML, so a
 * document's content cannot inject markup.
 *
 * @example h('span', { class: 'badge badge-304' }, '304')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child)
  return element
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/**
 * svg creates an SVG element with attributes and children.
 *
 * @example svg('rect', { x: '0', y: '0', width: '4', height: '10' })
 */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child)
  return element
}
