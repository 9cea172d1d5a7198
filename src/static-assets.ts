/**
 * The demo page's files (Workers Static Assets, `public/`), served by the worker for the paths no route
 * takes, so that they pass through the same middleware as the API and answer other methods as RFC 9110 asks.
 * They carry security fields of their own: the page keeps the write token in localStorage, so nothing but its
 * own files may run script on it, and nothing may frame it.
 */

import { notModified } from './http/not-modified.ts'

/** StaticFiles are files served as they are, by path. */
export interface StaticFiles {
  /** serve answers a GET or HEAD (conditional ones too) with a file, or null when none is at the path. */
  serve(request: Request): Promise<Response | null>
}

/** STATIC_FILE_METHODS are the methods a file is served with. */
export const STATIC_FILE_METHODS = ['GET', 'HEAD', 'OPTIONS']

/**
 * PAGE_SECURITY_FIELDS go with every file. The policy allows the page's own script, styles, images and
 * requests and nothing else: no inline script or style (an injected `<script>` does not run), no plugins, no
 * `<base>`, no form posted anywhere (a form the script failed to take over would put the token in a URL), no
 * framing (clickjacking). `nosniff` keeps a file from being read as another type; `no-referrer` keeps the
 * page's URLs from other sites.
 */
export const PAGE_SECURITY_FIELDS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}

/** REFERENCE_PATH is where the API reference page (Swagger UI, scripts/build-reference.ts) is served. */
export const REFERENCE_PATH = '/docs/'

/**
 * REFERENCE_SECURITY_FIELDS go with the reference page's files: the same policy, except that Swagger UI sets
 * style attributes as it renders and draws its icons from data: URLs. Its script is still only its own file.
 */
export const REFERENCE_SECURITY_FIELDS: Readonly<Record<string, string>> = {
  ...PAGE_SECURITY_FIELDS,
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

/**
 * relativeReference returns a Location or Content-Location on the request's own origin as a reference
 * relative to it (RFC 9110 sections 10.2.2 and 8.7 allow one), so that the Host a client named is never
 * reflected; any other value as it is.
 *
 * @example relativeReference('https://edge.example/a?b', new URL('https://edge.example/x')) // '/a?b'
 */
export function relativeReference(location: string, requestUrl: URL): string {
  if (!URL.canParse(location)) return location
  const target = new URL(location)
  if (target.origin !== requestUrl.origin) return location
  // A path that starts with "//" would read as another host; "/." keeps it a path here.
  return `${target.pathname.startsWith('//') ? '/.' : ''}${target.pathname}${target.search}${target.hash}`
}

/**
 * staticFilesOf returns the files behind a Workers Static Assets binding, or null without one (tests, or a
 * fork that removed the page). The assets' own answers (200, 304, a redirect from /index.html to /) are
 * kept, with PAGE_SECURITY_FIELDS and fields the app's middleware may add to.
 *
 * @example await staticFilesOf(env.ASSETS)?.serve(new Request('https://api.example/'))
 */
export function staticFilesOf(assets: Fetcher | undefined): StaticFiles | null {
  if (assets === undefined) return null
  return {
    async serve(request) {
      const served = await assets.fetch(request)
      if (served.status === 404) {
        await served.body?.cancel()
        return null
      }
      // A 304 keeps only the fields RFC 9110 section 15.4.5 lists, as the API's own 304s do.
      if (served.status === 304) return notModified(served.headers)
      const answer = new Response(served.body, served)
      const url = new URL(request.url)
      const fields = url.pathname.startsWith(REFERENCE_PATH)
        ? REFERENCE_SECURITY_FIELDS
        : PAGE_SECURITY_FIELDS
      for (const [name, value] of Object.entries(fields)) answer.headers.set(name, value)
      for (const name of ['Location', 'Content-Location']) {
        const value = answer.headers.get(name)
        if (value !== null) answer.headers.set(name, relativeReference(value, url))
      }
      return answer
    },
  }
}
