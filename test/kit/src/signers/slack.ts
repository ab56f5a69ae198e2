import { NOW_S, SECRET } from '../constants.js'
import { hmac, type KitSignOptions } from './hmac.js'

/** Options of the Slack signer. */
export interface SlackSignOptions extends KitSignOptions {
  /** Default: JSON for a body starting with `{`, form-encoded otherwise, as Slack sends them. */
  contentType?: string
}

/**
 * Slack (api.slack.com, "Verifying requests from Slack"): `X-Slack-Request-Timestamp` and
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:${timestamp}:${body}">` with the signing
 * secret as given, and the content type Slack uses for the body (Events API JSON, or
 * form-encoded slash commands and interactivity: build those with `slackForm`).
 *
 * @example
 * const body = slackForm({ command: '/deploy', trigger_id: 't1' })
 * await verify({ scheme: 'slack', payload: body, headers: signSlack(body), secret: SECRET, now: NOW })
 */
export function signSlack(
  body: string | Uint8Array,
  options: SlackSignOptions = {},
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string; 'content-type': string } {
  const timestamp = String(options.timestamp ?? NOW_S)
  const hex = hmac(options.secret ?? SECRET, `v0:${timestamp}:`, body).toString('hex')
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8')
  const contentType =
    options.contentType ??
    (/^\s*\{/.test(text) ? 'application/json' : 'application/x-www-form-urlencoded')
  return {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${hex}`,
    'content-type': contentType,
  }
}

/**
 * A form-encoded body as Slack posts slash commands and interactive payloads; an object value
 * is sent as JSON (Slack's `payload` field).
 *
 * @example
 * slackForm({ payload: { type: 'block_actions', trigger_id: 't1' } }) // 'payload=%7B…'
 */
export function slackForm(fields: Record<string, string | object>): string {
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    form.append(name, typeof value === 'string' ? value : JSON.stringify(value))
  }
  return form.toString()
}
