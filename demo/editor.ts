/**
 * The editor: one document at a time, a form for a task and JSON for an item. A save is a PUT with If-Match for
 * the version the editor opened; a 412 opens the conflict panel, and the person's choice is carried out through
 * the client: take theirs, overwrite with mine (If-Match: their tag), or merge with update().
 */

import { ApiError, type Client, ConflictError, type Versioned } from 'edge-etag-client'
import { hideConflict, type Resolution, showConflict } from './conflict-panel.ts'
import type { Selected } from './document-lists.ts'
import { byId } from './dom.ts'
import { sameJson, shortTag } from './format.ts'
import { fillItemForm, readItemForm } from './item-form.ts'
import { mergeMine } from './merge.ts'
import { type DemoApi, type DocumentValue, type ResourceName, resourceOf } from './resources.ts'
import { fillTaskForm, readTaskForm } from './task-form.ts'

/** EditorHooks are what the editor tells the rest of the page. */
export interface EditorHooks {
  /** client returns the client to use now (it changes with the token). */
  readonly client: () => Client<DemoApi>
  /** changed is called after a write, so the lists can be read again. */
  readonly changed: (resource: ResourceName) => Promise<void>
  /** selected is called when the editor opens or closes a document. */
  readonly selected: (selected: Selected | null) => void
}

/** Open is the document in the editor and the version it was opened at. */
interface Open extends Selected {
  base: Versioned<DocumentValue>
}

/**
 * Editor edits one document at a time in the forms of index.html.
 *
 * @example
 * const editor = new Editor({ client: () => client, changed: reloadList, selected: markSelected })
 * await editor.open('tasks', 'buy-milk')
 */
export class Editor {
  readonly #hooks: EditorHooks
  #open: Open | null = null

  constructor(hooks: EditorHooks) {
    this.#hooks = hooks
    for (const form of [byId('task-form', HTMLFormElement), byId('item-form', HTMLFormElement)]) {
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        void this.#busy(form, () => this.save())
      })
      form.querySelector('[data-action="delete"]')?.addEventListener('click', () => {
        void this.#busy(form, () => this.remove())
      })
    }
  }

  /** selected names the open document, or null. */
  get selected(): Selected | null {
    return this.#open === null ? null : { resource: this.#open.resource, id: this.#open.id }
  }

  /** open reads the document (a 304 when it is held and unchanged) and shows it. */
  async open(resource: ResourceName, id: string): Promise<void> {
    hideConflict()
    try {
      this.#show(resource, id, await this.#resource(resource).get(id))
      this.#say('')
    } catch (error) {
      this.close()
      this.#sayError(error)
    }
  }

  /** showError says in the editor's message line why something the page did failed. */
  showError(error: unknown): void {
    this.#sayError(error)
  }

  /** close empties the editor. */
  close(): void {
    this.#open = null
    hideConflict()
    byId('task-form', HTMLFormElement).hidden = true
    byId('item-form', HTMLFormElement).hidden = true
    byId('editor-empty', HTMLElement).hidden = false
    byId('editor-etag', HTMLElement).textContent = ''
    this.#hooks.selected(null)
  }

  /**
   * revalidate reads the open document again. When it has changed on the server, an untouched form shows the
   * new version, and an edited one opens the conflict panel: saving now would overwrite someone else's work.
   */
  async revalidate(): Promise<void> {
    const open = this.#open
    if (open === null) return
    let current: Versioned<DocumentValue> | null
    try {
      current = await this.#resource(open.resource).get(open.id)
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error
      current = null
    }
    if (current !== null && current.etag === open.base.etag) return
    const mine = this.#read()
    if (current !== null && (mine === null || sameJson(mine, open.base.value))) {
      this.#show(open.resource, open.id, current)
      this.#say(`Someone saved a new version: now showing ${shortTag(current.etag)}.`)
      return
    }
    await this.#resolve(open, { theirs: current, mine: mine ?? open.base.value, refusedTag: null })
  }

  /** save PUTs the form's document with If-Match for the version opened; a 412 opens the conflict panel. */
  async save(): Promise<void> {
    const open = this.#open
    if (open === null) return
    const mine = this.#read()
    if (mine === null) return
    try {
      const saved = await this.#resource(open.resource).put(open.id, mine, { ifMatch: open.base.etag })
      this.#show(open.resource, open.id, saved)
      this.#say(`Saved. New ETag ${shortTag(saved.etag)}.`, 'ok')
      await this.#hooks.changed(open.resource)
    } catch (error) {
      if (!(error instanceof ConflictError)) return this.#sayError(error)
      const theirs = error.current as Versioned<DocumentValue> | null
      await this.#resolve(open, { theirs, mine, refusedTag: open.base.etag })
    }
  }

  /** remove DELETEs the open document, with If-Match for the version opened. */
  async remove(): Promise<void> {
    const open = this.#open
    if (open === null) return
    try {
      await this.#resource(open.resource).delete(open.id, { ifMatch: open.base.etag })
      this.close()
      this.#say(`Deleted ${open.resource}/${open.id}.`, 'ok')
      await this.#hooks.changed(open.resource)
    } catch (error) {
      if (!(error instanceof ConflictError)) return this.#sayError(error)
      const theirs = error.current as Versioned<DocumentValue> | null
      this.#say('Not deleted: someone changed it first (412). Here is their version.', 'error')
      if (theirs === null) this.close()
      else this.#show(open.resource, open.id, theirs)
    }
  }

  // The panel stays until a choice succeeds; a choice that meets yet another conflict shows the panel again.
  async #resolve(
    open: Open,
    conflict: { theirs: Versioned<DocumentValue> | null; mine: DocumentValue; refusedTag: string | null },
  ): Promise<void> {
    const resource = this.#resource(open.resource)
    const choice: Resolution = await showConflict(conflict)
    const { theirs, mine } = conflict
    try {
      let result: Versioned<DocumentValue> | null
      if (choice === 'theirs') result = theirs
      // If-Match with their tag: it overwrites exactly the version on screen, and is refused again if that
      // changes too.
      else if (choice === 'mine')
        result =
          theirs === null
            ? await resource.createAt(open.id, mine)
            : await resource.put(open.id, mine, { ifMatch: theirs.etag })
      // update() applies my changes to whatever is current, and again if that moves under it.
      else result = await resource.update(open.id, (current) => mergeMine(open.base.value, mine, current))
      hideConflict()
      if (result === null) {
        this.close()
        this.#say('They deleted it; so be it.', 'ok')
      } else {
        this.#show(open.resource, open.id, result)
        const how = {
          theirs: 'Took their version',
          mine: 'Overwrote with yours',
          merge: 'Merged your changes',
        }[choice]
        this.#say(`${how}: ${shortTag(result.etag)}.`, 'ok')
      }
      await this.#hooks.changed(open.resource)
    } catch (error) {
      if (!(error instanceof ConflictError)) {
        hideConflict()
        return this.#sayError(error)
      }
      await this.#resolve(open, {
        theirs: error.current as Versioned<DocumentValue> | null,
        mine,
        refusedTag: open.base.etag,
      })
    }
  }

  #show(resource: ResourceName, id: string, version: Versioned<DocumentValue>): void {
    this.#open = { resource, id, base: version }
    const isTask = resource === 'tasks'
    byId('editor-empty', HTMLElement).hidden = true
    byId('task-form', HTMLFormElement).hidden = !isTask
    byId('item-form', HTMLFormElement).hidden = isTask
    if (isTask) fillTaskForm(version.value)
    else fillItemForm(version.value)
    byId('editor-etag', HTMLElement).textContent =
      `${resource}/${id} · ETag ${shortTag(version.etag)}${version.fromCache ? ' · from cache (304)' : ''}`
    document.body.dataset.editing = `${resource}/${id}`
    this.#hooks.selected({ resource, id })
  }

  // The form's document, or null (with a message) when the JSON of an item does not parse.
  #read(): DocumentValue | null {
    if (this.#open?.resource === 'tasks') return readTaskForm()
    const item = readItemForm()
    if ('value' in item) return item.value
    this.#say(item.problem, 'error')
    return null
  }

  #resource(resource: ResourceName) {
    return resourceOf(this.#hooks.client(), resource)
  }

  async #busy(form: HTMLFormElement, work: () => Promise<void>): Promise<void> {
    const buttons = [...form.querySelectorAll('button')]
    for (const button of buttons) button.disabled = true
    try {
      await work()
    } finally {
      for (const button of buttons) button.disabled = false
    }
  }

  #say(text: string, tone: 'ok' | 'error' | '' = ''): void {
    const message = byId('editor-message', HTMLElement)
    message.textContent = text
    message.dataset.tone = tone
  }

  #sayError(error: unknown): void {
    this.#say(explain(error), 'error')
  }
}

// What went wrong, for a person: the token for a 401, each problem of a 422, the server's detail otherwise.
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return `No answer: ${String(error)}`
  if (error.status === 401) {
    return 'Saving needs the write token (above). With npm run dev it is dev-token-change-me.'
  }
  const problems = error.errors.map((problem) => `${problem.pointer || '/'}: ${problem.detail}`)
  return `${error.status}: ${error.detail ?? error.message}${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`
}
