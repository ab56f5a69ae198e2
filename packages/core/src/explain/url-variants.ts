import type { HeaderGetter } from '../headers.js'
import type { Scheme } from '../schemes/types.js'
import type { Cause } from './body-variants.js'
import type { FindingCode } from './types.js'

/** A candidate for the URL the sender signed. */
export interface UrlVariant {
  url: string
  causes: Cause[]
}

/**
 * What a URL-signing scheme may add to a `Scheme` for `explain`: `signsUrl` makes explain try
 * URL variants; `urlVariants` adds the sender's own (each with a `URL_*` finding code).
 */
export interface UrlSigningScheme {
  readonly signsUrl?: boolean
  urlVariants?(url: string): ReadonlyArray<{ url: string; code: FindingCode; message: string }>
}

/** Whether the scheme signs the request URL. */
export function signsUrl(scheme: Scheme): boolean {
  const extra = scheme as Scheme & UrlSigningScheme
  return extra.signsUrl === true || typeof extra.urlVariants === 'function'
}

interface Parts {
  protocol: string
  host: string
  port: string
  path: string
  query: string
  hash: string
}

// By hand rather than with URL: URL drops default ports and re-encodes, and both are causes.
function split(url: string): Parts | undefined {
  const match = /^(https?):\/\/([^/?#:]+)(?::(\d+))?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url)
  if (!match) return undefined
  const [, protocol = '', host = '', port = '', path = '', query = '', hash = ''] = match
  return { protocol: protocol.toLowerCase(), host, port, path, query, hash }
}

const join = (p: Parts): string =>
  `${p.protocol}://${p.host}${p.port === '' ? '' : `:${p.port}`}${p.path}${p.query}${p.hash}`

const cause = (code: FindingCode, message: string): Cause => ({ code, message })

/**
 * Candidates for the URL the sender called, from the URL that was checked and the forwarding
 * headers: protocol, host, port, trailing slash and query order, alone and combined.
 */
export function urlVariants(scheme: Scheme, url: string, header: HeaderGetter): UrlVariant[] {
  const parts = split(url)
  const out: UrlVariant[] = []
  const seen = new Set([url])
  const push = (candidate: string, causes: Cause[]) => {
    if (seen.has(candidate)) return
    seen.add(candidate)
    out.push({ url: candidate, causes })
  }
  const extra = (scheme as Scheme & UrlSigningScheme).urlVariants?.(url) ?? []
  for (const variant of extra) push(variant.url, [cause(variant.code, variant.message)])
  if (!parts) return out

  const other = parts.protocol === 'https' ? 'http' : 'https'
  const protocolCause = cause(
    'URL_PROTOCOL',
    `The signature matches with ${other}:// instead of ${parts.protocol}://: the sender called the ${other} URL (a proxy terminated TLS)`,
  )
  const portCause = parts.port
    ? cause(
        'URL_PORT',
        `The signature matches without the port :${parts.port}: the sender's URL has no port (a proxy forwarded to an internal one)`,
      )
    : cause(
        'URL_PORT',
        'The signature matches with the default port written out: the sender called the URL with an explicit port',
      )
  const hosts: Array<[string, Cause]> = []
  for (const name of ['x-forwarded-host', 'host']) {
    const value = header(name)?.split(',')[0]?.trim()
    if (value && value.split(':')[0] !== parts.host) {
      hosts.push([
        value,
        cause(
          'URL_HOST',
          `The signature matches with the host from ${name === 'host' ? 'Host' : 'X-Forwarded-Host'}: the sender called another host than the URL that was checked`,
        ),
      ])
    }
  }
  const defaultPort = parts.protocol === 'https' ? '443' : '80'

  push(join({ ...parts, protocol: other }), [protocolCause])
  push(join({ ...parts, port: parts.port ? '' : defaultPort }), [portCause])
  push(join({ ...parts, protocol: other, port: '' }), [protocolCause, portCause])
  for (const [value, hostCause] of hosts) {
    const [host = '', port = ''] = value.split(':')
    push(join({ ...parts, host, port }), [hostCause])
    push(join({ ...parts, host, port, protocol: other }), [hostCause, protocolCause])
  }
  if (parts.path.length > 1 && parts.path.endsWith('/')) {
    push(join({ ...parts, path: parts.path.slice(0, -1) }), [
      cause(
        'URL_TRAILING_SLASH',
        'The signature matches without the trailing slash: the sender called the path without it',
      ),
    ])
  } else {
    push(join({ ...parts, path: `${parts.path}/` }), [
      cause(
        'URL_TRAILING_SLASH',
        'The signature matches with a trailing slash: the sender called the path with one',
      ),
    ])
  }
  const params = parts.query.slice(1).split('&')
  if (params.length > 1) {
    const queryCause = cause(
      'URL_QUERY_ORDER',
      'The signature matches with the query parameters in another order: the query string was rebuilt after parsing',
    )
    push(join({ ...parts, query: `?${[...params].sort().join('&')}` }), [queryCause])
    push(join({ ...parts, query: `?${[...params].reverse().join('&')}` }), [queryCause])
  }
  return out
}
