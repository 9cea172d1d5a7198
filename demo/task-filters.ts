/**
 * The tasks' filters: all, open or done; one tag; by due date, soonest or latest first. Each choice is a query
 * the tasks resource declares an index for (src/resources/tasks.ts), read through the client's pages, so a
 * filtered page is revalidated with its own ETag and an unchanged one is a 304, logged like any other read.
 */

import type { PageQuery } from 'edge-etag-client'
import { byId, h } from './dom.ts'
import { requestPath } from './format.ts'
import type { DocumentValue } from './resources.ts'

/** TaskFilter is what the filter form shows. */
export interface TaskFilter {
  readonly status: 'all' | 'open' | 'done'
  readonly tag: string
  readonly sort: '' | 'due' | '-due'
}

/**
 * taskQuery returns the query of a filter. A tag stands alone: the tasks declare an index for a tag, but none
 * for a tag with a status or an order, and the server refuses a query no index serves rather than scan.
 *
 * @example taskQuery({ status: 'open', tag: '', sort: 'due' }) // { where: { done: false }, sort: 'due' }
 */
export function taskQuery(filter: TaskFilter): PageQuery<DocumentValue> {
  if (filter.tag !== '') return { where: { tags: filter.tag } }
  const done = filter.status === 'all' ? undefined : filter.status === 'done'
  return {
    ...(done === undefined ? {} : { where: { done } }),
    ...(filter.sort === '' ? {} : { sort: filter.sort }),
  }
}

/**
 * TaskFilters reads the filter form of index.html, tells `changed` when it changes, and shows what the last
 * read of the list asked and got.
 *
 * @example const filters = new TaskFilters(() => refresh(['tasks']))
 */
export class TaskFilters {
  readonly #form = byId('task-filters', HTMLFormElement)
  readonly #tag = byId('task-tag', HTMLInputElement)
  readonly #sort = byId('task-sort', HTMLSelectElement)
  readonly #tags = new Set<string>()

  constructor(changed: () => void) {
    this.#form.addEventListener('change', () => {
      this.#lockCombinations()
      changed()
    })
    // Enter in the tag field applies it as leaving the field does (a change event), without reloading the page.
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.#tag.blur()
    })
    this.#lockCombinations()
  }

  /** filter returns what the form shows. */
  get filter(): TaskFilter {
    const status = new FormData(this.#form).get('status')
    return {
      status: status === 'open' || status === 'done' ? status : 'all',
      tag: this.#tag.value.trim(),
      sort: this.#sort.value === 'due' || this.#sort.value === '-due' ? this.#sort.value : '',
    }
  }

  /** query returns the query of what the form shows. */
  get query(): PageQuery<DocumentValue> {
    return taskQuery(this.filter)
  }

  /**
   * showRead says which URL the list came from and whether each page was a 304, and offers the tags seen so
   * far in the tag field's suggestions.
   */
  showRead(
    firstPageUrl: string,
    pages: readonly { fromCache: boolean }[],
    tasks: readonly DocumentValue[],
  ): void {
    const answers = pages.map((page) => (page.fromCache ? '304, the held page reused' : '200'))
    byId('tasks-query', HTMLElement).textContent = `GET ${requestPath(firstPageUrl)}: ${answers.join(', ')}`
    for (const task of tasks)
      if (Array.isArray(task.tags))
        for (const tag of task.tags) if (typeof tag === 'string') this.#tags.add(tag)
    byId('task-tag-options', HTMLDataListElement).replaceChildren(
      ...[...this.#tags].sort().map((tag) => h('option', { value: tag })),
    )
  }

  // A tag with a status or an order is a query no index serves: the form does not offer it.
  #lockCombinations(): void {
    const tagged = this.#tag.value.trim() !== ''
    for (const input of this.#form.querySelectorAll<HTMLInputElement>('input[name="status"]'))
      input.disabled = tagged
    this.#sort.disabled = tagged
    byId('task-filter-hint', HTMLElement).hidden = !tagged
  }
}
