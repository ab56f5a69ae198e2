import { randomUUID } from 'node:crypto'
import { SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/** Options of the GitHub signer. */
export interface GithubSignOptions extends KitSignOptions {
  /** `X-GitHub-Event`. Default: `push`. */
  event?: string
}

/**
 * GitHub (docs.github.com, "Validating webhook deliveries"): `X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256 of the body>` with the secret as given, plus `X-GitHub-Delivery`
 * (a random GUID unless `id` is given) and `X-GitHub-Event`. GitHub signs no timestamp.
 *
 * @example
 * signGithub(BODY, { event: 'issues', id: 'delivery-1' })
 */
export function signGithub(
  body: string | Uint8Array,
  options: GithubSignOptions = {},
): { 'x-hub-signature-256': string; 'x-github-delivery': string; 'x-github-event': string } {
  const hex = hmac(options.secret ?? SECRET, body).toString('hex')
  return {
    'x-hub-signature-256': `sha256=${hex}`,
    'x-github-delivery': options.id ?? randomUUID(),
    'x-github-event': options.event ?? 'push',
  }
}
