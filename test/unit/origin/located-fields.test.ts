import { describe, expect, it } from 'vitest'
import { relocatedLink, relocatedRefresh } from '../../../src/origin/located-fields.ts'

// relocate stands for edgeLocation: paths under the prefix, public hosts as they are, the rest never.
function relocate(url: string): string | null {
  if (url.startsWith('/')) return `/legacy${url}`
  if (url.startsWith('https://login.example.com')) return url
  return null
}

describe('relocatedRefresh', () => {
  it.each([
    { value: '0; url=/users/3', want: '0; url=/legacy/users/3' },
    { value: '5;URL=/users/3', want: '5;URL=/legacy/users/3' },
    { value: "0; url='/users/3'", want: "0; url='/legacy/users/3'" },
    { value: '0; url="/users/3" trailing', want: '0; url="/legacy/users/3"' },
    { value: '0 , url = /users/3', want: '0 , url = /legacy/users/3' },
    { value: '1.5; url=/users/3', want: '1.5; url=/legacy/users/3' },
    // Without "url=", what follows the time is the URL, as browsers read it.
    { value: '0; /users/3', want: '0; /legacy/users/3' },
    { value: "0; '/users/3'", want: "0; '/legacy/users/3'" },
    { value: '0 /users/3', want: '0 /legacy/users/3' },
    { value: '0; url=https://login.example.com/x', want: '0; url=https://login.example.com/x' },
    // A URL that must not be passed on takes the whole field with it.
    { value: '0; url=http://10.0.0.7/admin', want: null },
    { value: "0;url='http://10.0.0.7/admin'", want: null },
    { value: '0; http://10.0.0.7/admin', want: null },
    { value: '0,ws://10.0.0.7/', want: null },
    { value: '0; urlx=/users/3', want: null },
    // No URL: the page itself, passed as it is.
    { value: '30', want: '30' },
    { value: ' 30 ;  ', want: ' 30 ;  ' },
    // Not a refresh at all (browsers ignore it; another reader might not).
    { value: 'url=http://10.0.0.7/', want: null },
    { value: '0x; url=/users/3', want: null },
    { value: '', want: null },
  ])('$value: $want', ({ value, want }) => {
    expect(relocatedRefresh(value, relocate)).toBe(want)
  })
})

describe('relocatedLink', () => {
  it.each([
    { value: '</users?page=2>; rel="next"', want: '</legacy/users?page=2>; rel="next"' },
    {
      value: '</users?page=2>; rel="next", <http://10.0.0.7/admin>; rel="admin"',
      want: '</legacy/users?page=2>; rel="next"',
    },
    {
      value: '<http://10.0.0.7/a>; rel=a,</b>;rel=b, <https://login.example.com/sso>; rel="login"',
      want: '</legacy/b>;rel=b, <https://login.example.com/sso>; rel="login"',
    },
    // Commas inside a target or a quoted parameter do not split members.
    { value: '</a,b>; title="x, <http://10.0.0.7/>"', want: '</legacy/a,b>; title="x, <http://10.0.0.7/>"' },
    // The anchor parameter is a URL too.
    { value: '</a>; rel=up; anchor="/b"', want: '</legacy/a>; rel=up; anchor="/legacy/b"' },
    { value: '</a>; rel=up; anchor=/b', want: '</legacy/a>; rel=up; anchor="/legacy/b"' },
    { value: '</a>; rel=up; anchor="http://10.0.0.7/"', want: null },
    { value: '<http://10.0.0.7/>; rel=a', want: null },
    // What cannot be read is not passed on.
    { value: 'http://10.0.0.7/; rel=a', want: null },
    { value: '</a>; rel=a, junk', want: '</legacy/a>; rel=a' },
    { value: ', ,', want: null },
  ])('$value: $want', ({ value, want }) => {
    expect(relocatedLink(value, relocate)).toBe(want)
  })

  it('reads 10 000 members and a 64 KB value without throwing', () => {
    const many = Array.from({ length: 10_000 }, (_, n) => `</p${n}>; rel=item`).join(', ')
    expect(relocatedLink(many, relocate)?.split(', ')).toHaveLength(10_000)
    expect(relocatedLink(`<${'"'.repeat(65_536)}`, relocate)).toBeNull()
  })
})
