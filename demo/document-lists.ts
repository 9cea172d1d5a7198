/**
 * The lists of documents, one per resource the API describes: each read page by page through the client (the
 * tasks as their filters ask), so a revisit costs a 304 per unchanged page, and drawn as buttons that open a
 * document in the editor.
 */

import type { Client, PageQuery } from 'edge-etag-client'
import { byId, h } from './dom.ts'
import {
  type DemoApi,
  type DocumentValue,
  hasSchema,
  type Resource,
  type ResourceName,
  resourceOf,
} from './resources.ts'

/** PAGE_LIMIT is how many documents the page asks for per collection page. */
export const PAGE_LIMIT = 100

/** Selected names the document open in the editor. */
export interface Selected {
  readonly resource: ResourceName
  readonly id: string
}

/** Listed is what one read of a list found: the ids and values in order, and whether each page was a 304. */
export interface Listed {
  /** The URL of the first page, with the query. */
  readonly url: string
  readonly ids: readonly string[]
  readonly values: readonly DocumentValue[]
  readonly pages: readonly { readonly fromCache: boolean }[]
}

/**
 * drawLists puts a heading and an empty list for each resource into #resource-lists (the tasks' filters under
 * theirs), and offers each one in the form that creates a document.
 *
 * @example drawLists(await describedResources())
 */
export function drawLists(resources: readonly Resource[]): void {
  const lists = byId('resource-lists', HTMLElement)
  const taskTools = byId('task-tools', HTMLElement)
  for (const resource of resources) {
    const { name } = resource
    const heading = h(
      'h3',
      { class: 'list-heading', id: `${name}-heading` },
      `${name[0]?.toUpperCase() ?? ''}${name.slice(1)} `,
      h('span', { class: 'muted' }, hasSchema(resource) ? 'with a schema' : 'any JSON object'),
    )
    const list = h('ul', {
      class: 'doc-list',
      id: `${name}-list`,
      'aria-labelledby': `${name}-heading`,
      'aria-busy': 'true',
    })
    const filters =
      name === 'tasks' ? [byId('task-filters', HTMLFormElement), byId('task-filter-hint', HTMLElement)] : []
    const query = name === 'tasks' ? [byId('tasks-query', HTMLElement)] : []
    lists.append(heading, ...filters, list, ...query)
    byId('new-doc-resource', HTMLSelectElement).append(h('option', { value: name }, name))
  }
  taskTools.remove()
  lists.setAttribute('aria-busy', 'false')
}

/**
 * loadList reads every page of `resource` that answers `query` and draws its list; `open` is called when a
 * document is picked. The list carries the query it shows in data-query (`done=false`, or empty).
 *
 * @example await loadList(client, 'tasks', selected, (resource, id) => editor.open(resource, id), filters.query)
 */
export async function loadList(
  client: Client<DemoApi>,
  resource: ResourceName,
  selected: Selected | null,
  open: (resource: ResourceName, id: string) => void,
  query: PageQuery<DocumentValue> = {},
): Promise<Listed> {
  const list = byId(`${resource}-list`, HTMLUListElement)
  list.setAttribute('aria-busy', 'true')
  const rows: HTMLLIElement[] = []
  const ids: string[] = []
  const values: DocumentValue[] = []
  const pages: { fromCache: boolean }[] = []
  const resourceClient = resourceOf(client, resource)
  const asked = { ...query, limit: PAGE_LIMIT }
  for await (const page of resourceClient.pages(asked)) {
    pages.push({ fromCache: page.fromCache })
    for (const { id, value } of page.items) {
      ids.push(id)
      values.push(value)
      const current = selected?.resource === resource && selected.id === id
      const button = h(
        'button',
        { type: 'button', 'data-id': id, 'aria-current': String(current) },
        h('span', { class: 'doc-id' }, id),
        h('span', { class: 'doc-summary' }, summaryOf(resource, value)),
      )
      button.addEventListener('click', () => open(resource, id))
      rows.push(h('li', value.done === true ? { class: 'doc-done' } : {}, button))
    }
  }
  const url = resourceClient.firstPageUrl(asked)
  const shown = new URLSearchParams([...new URL(url).searchParams].filter(([name]) => name !== 'limit'))
  const empty = shown.size > 0 ? 'Nothing matches this filter.' : 'None yet: create one below.'
  list.replaceChildren(...(rows.length > 0 ? rows : [h('li', { class: 'doc-empty' }, empty)]))
  list.dataset.query = shown.toString()
  list.setAttribute('aria-busy', 'false')
  return { url, ids, values, pages }
}

/**
 * markSelected shows which document the editor holds, in both lists.
 *
 * @example markSelected({ resource: 'tasks', id: 'buy-milk' })
 */
export function markSelected(selected: Selected | null): void {
  for (const list of byId('resource-lists', HTMLElement).querySelectorAll('ul')) {
    for (const button of list.querySelectorAll('button')) {
      const current =
        selected !== null && list.id === `${selected.resource}-list` && selected.id === button.dataset.id
      button.setAttribute('aria-current', String(current))
    }
  }
}

// One line under the id: a task's title, due date and tags; any other document's members, as compact JSON.
function summaryOf(resource: ResourceName, value: DocumentValue): string {
  if (resource !== 'tasks') return JSON.stringify(value)
  const parts = [typeof value.title === 'string' ? value.title : '']
  if (typeof value.due === 'string') parts.push(`due ${value.due}`)
  if (Array.isArray(value.tags) && value.tags.length > 0)
    parts.push(value.tags.map((tag) => `#${tag}`).join(' '))
  return parts.join(' · ')
}
