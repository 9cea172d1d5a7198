/**
 * The demo page: lists the documents of every resource /openapi.json describes through the typed client (the
 * tasks as their filters ask), creates them with POST, edits them, and shows every exchange. The client's
 * store is this tab's sessionStorage, so a reload revalidates what the tab already holds (304s), and two tabs
 * hold their own versions, as two people would, so that saving in both shows the 412.
 */

import { type Client, createClient, webStorageStore } from 'edge-etag-client'
import { drawLists, type Listed, loadList, markSelected, type Selected } from './document-lists.ts'
import { byId } from './dom.ts'
import { Editor } from './editor.ts'
import {
  type DemoApi,
  describedResources,
  newDocument,
  type Resource,
  type ResourceName,
  resourceOf,
} from './resources.ts'
import { TaskFilters } from './task-filters.ts'
import { loadToken, saveToken } from './token.ts'
import { TrafficBoard } from './traffic-board.ts'

/** SELECTED_KEY is where the tab remembers the open document, so a reload reopens it (with a 304). */
const SELECTED_KEY = 'edge-etag-demo:open'

const board = new TrafficBoard()
// Each tab keeps its own cache (a reload revalidates it with 304s); saves send If-Match with the tag of the
// version the edit started from (`ifMatch`), so two tabs editing one document meet a 412, never a silent overwrite.
const store = webStorageStore(sessionStorage)
const connect = (token: string | undefined): Client<DemoApi> =>
  createClient<DemoApi>({
    baseUrl: location.origin,
    store,
    ...(token === undefined ? {} : { token }),
    onExchange: (exchange) => board.record(exchange),
  })
let client = connect(loadToken())

const editor = new Editor({
  client: () => client,
  changed: async (resource) => {
    await refresh([resource])
  },
  selected: (selected) => {
    markSelected(selected)
    if (selected === null) sessionStorage.removeItem(SELECTED_KEY)
    else sessionStorage.setItem(SELECTED_KEY, JSON.stringify(selected))
  },
})
const open = (resource: ResourceName, id: string) => void editor.open(resource, id)
// The resources, as the API describes them; known before anything is listed (top-level await).
let resources: readonly Resource[] = []
let names: readonly ResourceName[] = []
let filters: TaskFilters | undefined

// Reads of one list run one after the other, so that a quick change of filter cannot draw an older answer last.
const reading = new Map<ResourceName, Promise<unknown>>()

function readList(resource: ResourceName): Promise<Listed> {
  const read = (reading.get(resource) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      if (resource !== 'tasks' || filters === undefined)
        return loadList(client, resource, editor.selected, open)
      const listed = await loadList(client, resource, editor.selected, open, filters.query)
      filters.showRead(listed.url, listed.pages, listed.values)
      return listed
    })
  reading.set(resource, read)
  return read
}

async function refresh(resources: readonly ResourceName[]): Promise<Map<ResourceName, Listed>> {
  const lists = await Promise.all(resources.map(readList))
  return new Map(resources.map((resource, index) => [resource, lists[index] as Listed]))
}

function rememberedSelection(): Selected | null {
  try {
    const selected = JSON.parse(sessionStorage.getItem(SELECTED_KEY) ?? 'null') as Partial<Selected> | null
    return names.includes(selected?.resource as ResourceName) && typeof selected?.id === 'string'
      ? (selected as Selected)
      : null
  } catch {
    return null
  }
}

const tokenInput = byId('token', HTMLInputElement)
tokenInput.value = loadToken() ?? ''
byId('token-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault()
  saveToken(tokenInput.value.trim())
  client = connect(loadToken())
  tokenInput.blur()
})

const revalidate = byId('revalidate', HTMLButtonElement)
revalidate.addEventListener('click', async () => {
  revalidate.disabled = true
  try {
    await Promise.all([refresh(names), editor.revalidate()])
  } finally {
    revalidate.disabled = false
  }
})

// POST: the server picks the id. The client sends an Idempotency-Key and retries a lost answer with it, so a
// flaky connection never creates the task twice.
const newDocForm = byId('new-doc-form', HTMLFormElement)
newDocForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const name = byId('new-doc-resource', HTMLSelectElement).value
  const resource = resources.find((described) => described.name === name)
  const titleInput = byId('new-doc-title', HTMLInputElement)
  if (resource === undefined) return
  const create = newDocForm.querySelector('button')
  if (create !== null) create.disabled = true
  try {
    const created = await resourceOf(client, name).create(newDocument(resource, titleInput.value.trim()))
    titleInput.value = ''
    await refresh([name])
    await editor.open(name, created.id)
  } catch (error) {
    editor.showError(error)
  } finally {
    if (create !== null) create.disabled = false
  }
})

try {
  resources = await describedResources()
  names = resources.map(({ name }) => name)
  drawLists(resources)
  if (names.includes('tasks')) {
    filters = new TaskFilters(() => void refresh(['tasks']))
    byId('new-doc-resource', HTMLSelectElement).value = 'tasks'
  }
  const lists = await refresh(names)
  const remembered = rememberedSelection()
  const firstTask = lists.get('tasks')?.ids[0]
  if (remembered !== null && lists.get(remembered.resource)?.ids.includes(remembered.id)) {
    await editor.open(remembered.resource, remembered.id)
  } else if (firstTask !== undefined) {
    await editor.open('tasks', firstTask)
  }
  document.body.dataset.state = 'ready'
} catch (error) {
  document.body.dataset.state = 'failed'
  byId('editor-message', HTMLElement).textContent = `The API did not answer: ${String(error)}`
}
