/**
 * The conflict panel: shown when a save was refused with 412 (or a revalidation found the document changed
 * under an unsaved edit). It puts the server's version beside mine, marks the members that differ, and offers
 * the three ways out: take theirs, overwrite with mine (If-Match: their tag), or merge my changes onto theirs.
 */

import type { Versioned } from 'edge-etag-client'
import { byId, h } from './dom.ts'
import { shortTag } from './format.ts'
import { changedMembers } from './merge.ts'
import type { DocumentValue } from './resources.ts'

/** Resolution is what the person chose: take theirs, overwrite with mine, or merge mine onto theirs. */
export type Resolution = 'theirs' | 'mine' | 'merge'

/** Conflict is what the panel shows: their version (null when they deleted it), mine, and why. */
export interface Conflict {
  readonly theirs: Versioned<DocumentValue> | null
  readonly mine: DocumentValue
  /** The tag my save carried in If-Match, or null when no save was refused yet. */
  readonly refusedTag: string | null
}

/**
 * showConflict opens the panel for `conflict` and resolves with the button pressed.
 *
 * @example const choice = await showConflict({ theirs: error.current, mine, refusedTag: base.etag })
 */
export function showConflict(conflict: Conflict): Promise<Resolution> {
  const panel = byId('conflict', HTMLElement)
  const { theirs, mine, refusedTag } = conflict
  byId('conflict-heading', HTMLElement).lastChild?.replaceWith(
    refusedTag === null
      ? ' Changed on the server while you were editing'
      : ' Someone else changed this document',
  )
  byId('conflict-heading', HTMLElement)
    .querySelector('.badge')
    ?.toggleAttribute('hidden', refusedTag === null)
  const what = theirs === null ? 'deleted it' : `saved a new version (${shortTag(theirs.etag)})`
  byId('conflict-detail', HTMLElement).textContent =
    refusedTag === null
      ? `Someone ${what} after you opened it. Nothing is lost yet: pick which version to keep.`
      : `Your save sent If-Match: ${shortTag(refusedTag)}, but someone ${what} first. ` +
        'The server refused your write (412 Precondition Failed) and changed nothing.'
  byId('conflict-their-tag', HTMLElement).textContent = theirs === null ? 'deleted' : shortTag(theirs.etag)
  const differing = changedMembers(theirs?.value ?? {}, mine)
  renderMarked(byId('conflict-theirs', HTMLPreElement), theirs?.value ?? null, differing)
  renderMarked(byId('conflict-mine', HTMLPreElement), mine, differing)
  byId('conflict-overwrite', HTMLElement).textContent =
    theirs === null ? 'create it again' : `If-Match: ${shortTag(theirs.etag)}`
  const merge = panel.querySelector<HTMLButtonElement>('[data-resolve="merge"]')
  if (merge !== null) merge.disabled = theirs === null
  panel.hidden = false
  document.body.dataset.conflict = 'open'
  // Focus moves to the panel, so a keyboard or screen-reader user lands on the choice to make.
  byId('conflict-heading', HTMLElement).focus()

  return new Promise((resolve) => {
    const choose = (event: Event) => {
      const choice = (event.target as Element | null)?.closest('[data-resolve]')?.getAttribute('data-resolve')
      if (choice !== 'theirs' && choice !== 'mine' && choice !== 'merge') return
      panel.removeEventListener('click', choose)
      resolve(choice)
    }
    panel.addEventListener('click', choose)
  })
}

/**
 * hideConflict closes the panel.
 *
 * @example hideConflict()
 */
export function hideConflict(): void {
  byId('conflict', HTMLElement).hidden = true
  delete document.body.dataset.conflict
}

// One line per member, sorted as the server stores them, the differing ones marked.
function renderMarked(
  pre: HTMLPreElement,
  value: DocumentValue | null,
  differing: ReadonlySet<string>,
): void {
  if (value === null) {
    pre.replaceChildren('(deleted)')
    return
  }
  const names = Object.keys(value).sort()
  const lines = names.map((name, index) => {
    const line = `  ${JSON.stringify(name)}: ${JSON.stringify(value[name])}${index < names.length - 1 ? ',' : ''}`
    return differing.has(name) ? h('mark', {}, line) : line
  })
  pre.replaceChildren('{\n', ...lines.flatMap((line) => [line, '\n']), '}')
}
