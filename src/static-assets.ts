/**
 * The demo page's files (Workers Static Assets, `public/`), served by the worker for the paths no route
 * takes, so that they pass through the same middleware as the API and answer other methods as RFC 9110 asks.
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
 * staticFilesOf returns the files behind a Workers Static Assets binding, or null without one (tests, or a
 * fork that removed the page). The assets' own answers (200, 304, a redirect from /index.html to /) are
 * kept, with fields the app's middleware may add to.
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
      return new Response(served.body, served)
    },
  }
}
