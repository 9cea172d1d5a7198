/**
 * The fields of an origin's answer that hold URLs besides Location and Content-Location: Refresh (`0;
 * url=...`, which browsers follow as a redirect) and Link (RFC 8288: `<...>; rel=...`, several per field).
 * Each URL in them is mapped as a Location is (./origin-location.ts), and what would disclose is dropped.
 *
 * Pure: strings only.
 */

/** Relocate maps one URL of the origin to the reference the client gets, or null when it must not get it. */
export type Relocate = (url: string) => string | null

const ASCII_WHITESPACE = /[\t\n\f\r ]/

/**
 * relocatedRefresh returns a Refresh value with its URL relocated, read as browsers read it (the HTML
 * standard's "shared declarative refresh steps": a time, `;` or `,`, then `url=` with or without quotes, or
 * only the URL); the value as it is when it names no URL (the page itself); null when the URL must not be
 * passed on, or the value is no refresh at all (browsers ignore it; another reader might not).
 *
 * @example relocatedRefresh("0; url='/users/3'", (url) => `/legacy${url}`) // "0; url='/legacy/users/3'"
 * @example relocatedRefresh('0; url=http://10.0.0.7/', () => null) // null
 */
export function relocatedRefresh(value: string, relocate: Relocate): string | null {
  let position = 0
  const at = () => value[position] ?? ''
  const skipWhitespace = () => {
    while (ASCII_WHITESPACE.test(at())) position++
  }
  skipWhitespace()
  const timeStart = position
  while (/[0-9.]/.test(at())) position++
  if (position === timeStart) return null
  if (position === value.length) return value
  if (!/[;,\t\n\f\r ]/.test(at())) return null
  skipWhitespace()
  if (at() === ';' || at() === ',') position++
  skipWhitespace()
  if (position === value.length) return value
  // "url =" is optional. Quotes around the URL are skipped after it, or where no "u" starts the URL: a word
  // that only starts like "url" ("urlx=...") is itself the URL, quotes and all.
  const named = /^url[\t\n\f\r ]*=[\t\n\f\r ]*/i.exec(value.slice(position))
  if (named !== null) position += named[0].length
  const quote = (named !== null || !/^u/i.test(at())) && (at() === "'" || at() === '"') ? at() : ''
  if (quote !== '') position++
  const rest = value.slice(position)
  const end = quote === '' ? -1 : rest.indexOf(quote)
  const url = end === -1 ? rest : rest.slice(0, end)
  const relocated = relocate(url)
  if (relocated === null) return null
  return `${value.slice(0, position)}${relocated}${quote}`
}

// linkMembers splits a Link value at the commas between its members, not at those inside <...> or quotes.
function linkMembers(value: string): string[] {
  const members: string[] = []
  let start = 0
  let inUrl = false
  let quoted = false
  for (let index = 0; index < value.length; index++) {
    const character = value[index]
    if (quoted) {
      if (character === '\\') index++
      else if (character === '"') quoted = false
    } else if (inUrl) {
      if (character === '>') inUrl = false
    } else if (character === '<') inUrl = true
    else if (character === '"') quoted = true
    else if (character === ',') {
      members.push(value.slice(start, index))
      start = index + 1
    }
  }
  members.push(value.slice(start))
  return members.map((member) => member.trim()).filter((member) => member !== '')
}

// ANCHOR is a Link member's anchor parameter (RFC 8288 section 3.2), a URL too: quoted or a token.
const ANCHOR = /(;\s*anchor\s*=\s*)("(?:[^"\\]|\\.)*"|[^;,\s]*)/gi

// relocatedMember returns a Link member with its target and anchor relocated, or null to drop it.
function relocatedMember(member: string, relocate: Relocate): string | null {
  const target = /^<([^>]*)>/.exec(member)
  if (target === null) return null
  const url = relocate(target[1] ?? '')
  // A relocated reference never holds ">", but one passed as it is might: then it cannot be a target.
  if (url === null || url.includes('>')) return null
  let dropped = false
  const parameters = member.slice(target[0].length).replace(ANCHOR, (_, lead: string, anchor: string) => {
    const quoted = anchor.startsWith('"')
    const relocated = relocate(quoted ? anchor.slice(1, -1).replace(/\\(.)/g, '$1') : anchor)
    if (relocated === null) dropped = true
    return `${lead}"${(relocated ?? '').replace(/["\\]/g, '\\$&')}"`
  })
  return dropped ? null : `<${url}>${parameters}`
}

/**
 * relocatedLink returns a Link value with the target and anchor of each member relocated, and the members that
 * must not be passed on (or cannot be read) left out; null when none is left.
 *
 * @example relocatedLink('</users?page=2>; rel="next", <http://10.0.0.7/>; rel="admin"', relocate)
 * // '</legacy/users?page=2>; rel="next"'
 */
export function relocatedLink(value: string, relocate: Relocate): string | null {
  const kept = linkMembers(value)
    .map((member) => relocatedMember(member, relocate))
    .filter((member) => member !== null)
  return kept.length === 0 ? null : kept.join(', ')
}
