/**
 * The demo page: lists items and tasks through the typed client, edits them, and shows every exchange. The
 * client's store is this tab's sessionStorage, so a reload revalidates what the tab already holds (304s), and
 * two tabs hold their own versions, as two people would, so that saving in both shows the 412.
 */

import { type Client, createClient, webStorageStore } from '../client/index.ts'
import { loadList, markSelected, type Selected } from './document-lists.ts'
import { byId } from './dom.ts'
import { Editor } from './editor.ts'
import { type DemoApi, newDocument, RESOURCE_NAMES, type ResourceName, resourceOf } from './resources.ts'
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

async function refresh(resources: readonly ResourceName[]): Promise<Map<ResourceName, string[]>> {
  const lists = await Promise.all(
    resources.map((resource) => loadList(client, resource, editor.selected, open)),
  )
  return new Map(resources.map((resource, index) => [resource, lists[index] ?? []]))
}

function rememberedSelection(): Selected | null {
  try {
    const selected = JSON.parse(sessionStorage.getItem(SELECTED_KEY) ?? 'null') as Partial<Selected> | null
    return RESOURCE_NAMES.includes(selected?.resource as ResourceName) && typeof selected?.id === 'string'
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
    await Promise.all([refresh(RESOURCE_NAMES), editor.revalidate()])
  } finally {
    revalidate.disabled = false
  }
})

byId('new-doc-form', HTMLFormElement).addEventListener('submit', async (event) => {
  event.preventDefault()
  const resource = byId('new-doc-resource', HTMLSelectElement).value as ResourceName
  const idInput = byId('new-doc-id', HTMLInputElement)
  const id = idInput.value.trim()
  try {
    await resourceOf(client, resource).create(id, newDocument(resource, id))
    idInput.value = ''
    await refresh([resource])
    await editor.open(resource, id)
  } catch {
    // The editor says why when it opens (a 401 without the token, a 412 when the id is taken).
    await editor.open(resource, id)
  }
})

try {
  const lists = await refresh(RESOURCE_NAMES)
  const remembered = rememberedSelection()
  const firstTask = lists.get('tasks')?.[0]
  if (remembered !== null && lists.get(remembered.resource)?.includes(remembered.id)) {
    await editor.open(remembered.resource, remembered.id)
  } else if (firstTask !== undefined) {
    await editor.open('tasks', firstTask)
  }
  document.body.dataset.state = 'ready'
} catch (error) {
  document.body.dataset.state = 'failed'
  byId('editor-message', HTMLElement).textContent = `The API did not answer: ${String(error)}`
}
