import { expectCode, hmac, NOW, NOW_S } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { sign } from '../sign.js'
import { verify, verifyWebhook } from '../verify.js'
import { parseFormBody } from './form.js'

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'
const scheme = 'slack' as const
const base = { scheme, secret: SECRET, now: NOW }
const FORM = 'application/x-www-form-urlencoded'

function signed(body: string, contentType?: string, ts: number | string = NOW_S) {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${hmac(SECRET, `v0:${ts}:`, body).toString('hex')}`,
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
  }
}

const callback = {
  token: 'x',
  team_id: 'T1',
  type: 'event_callback',
  event_id: 'Ev0PV52K21',
  event: { type: 'app_mention', text: 'hi' },
}

describe('slack: Events API (JSON)', () => {
  it('keys on event_id and routes on event.type', async () => {
    const body = JSON.stringify(callback)
    const result = await verifyWebhook({
      ...base,
      payload: body,
      headers: signed(body, 'application/json'),
    })
    expect(result).toMatchObject({ event: callback, id: 'Ev0PV52K21', type: 'app_mention' })
  })

  it('routes other bodies on their type (url_verification has no id)', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'abc', type: 'url_verification' })
    const result = await verifyWebhook({
      ...base,
      payload: body,
      headers: signed(body, 'application/json'),
    })
    expect(result).toMatchObject({ id: undefined, type: 'url_verification' })
  })
})

describe('slack: form bodies', () => {
  const command =
    'token=t&team_id=T1&command=%2Fdeploy&text=api+v2+%F0%9F%9A%80&trigger_id=13345224609.738474920.8088930838d88f008e0'

  it('resolves a slash command to its decoded fields; id trigger_id, type slash_command.<name>', async () => {
    const result = await verifyWebhook({
      ...base,
      payload: command,
      headers: signed(command, FORM),
    })
    expect(result.event).toEqual({
      token: 't',
      team_id: 'T1',
      command: '/deploy',
      text: 'api v2 🚀',
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
    })
    expect(result).toMatchObject({
      id: '13345224609.738474920.8088930838d88f008e0',
      type: 'slash_command.deploy',
    })
  })

  it('parses the JSON payload field of an interactive request', async () => {
    const payload = { type: 'block_actions', trigger_id: '1.2.abc', actions: [{ action_id: 'ok' }] }
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`
    const result = await verifyWebhook({ ...base, payload: body, headers: signed(body, FORM) })
    expect(result).toMatchObject({ event: { payload }, id: '1.2.abc', type: 'block_actions' })
  })

  it("sniffs the body when the content type is absent or not Slack's (a test client)", async () => {
    for (const type of [undefined, 'text/plain;charset=UTF-8']) {
      await expect(
        verify({ ...base, payload: command, headers: signed(command, type) }),
      ).resolves.toMatchObject({ command: '/deploy' })
      const json = JSON.stringify(callback)
      await expect(
        verify({ ...base, payload: json, headers: signed(json, type) }),
      ).resolves.toEqual(callback)
    }
  })

  it.each([
    ['a malformed escape', 'text=%zz'],
    ['a repeated field', 'a=1&a=2'],
    ['a payload field that is not JSON', 'payload=%7Bnope'],
  ])('INVALID_PAYLOAD, after the signature passed, for %s', async (_name, body) => {
    await expectCode(
      verify({ ...base, payload: body, headers: signed(body, FORM) }),
      'INVALID_PAYLOAD',
    )
  })

  it('INVALID_PAYLOAD for a form body declared as JSON', async () => {
    await expectCode(
      verify({ ...base, payload: command, headers: signed(command, 'application/json') }),
      'INVALID_PAYLOAD',
    )
  })
})

describe('slack: signature and timestamp', () => {
  const body = JSON.stringify(callback)

  it.each([
    ['no v0', () => 'v1=abcd'],
    ['upper-case hex', () => signed(body)['x-slack-signature'].toUpperCase().replace('V0=', 'v0=')],
    ['a truncated digest', () => signed(body)['x-slack-signature'].slice(0, 30)],
    ['v0= alone', () => 'v0='],
  ])('INVALID_SIGNATURE for %s', async (_name, sig) => {
    await expectCode(
      verify({ ...base, payload: body, headers: { ...signed(body), 'x-slack-signature': sig() } }),
      'INVALID_SIGNATURE',
    )
  })

  it.each(['x-slack-signature', 'x-slack-request-timestamp'])(
    'MISSING_HEADER without %s',
    async (name) => {
      const h: Record<string, string> = signed(body)
      delete h[name]
      await expectCode(verify({ ...base, payload: body, headers: h }), 'MISSING_HEADER')
    },
  )

  it('enforces the tolerance both ways (Bolt accepts future timestamps)', async () => {
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      await expectCode(
        verify({ ...base, payload: body, headers: signed(body, undefined, ts) }),
        'TIMESTAMP_EXPIRED',
      )
    }
    await expectCode(
      verify({ ...base, payload: body, headers: signed(body, undefined, `${NOW_S}.0`) }),
      'INVALID_TIMESTAMP',
    )
  })

  it('sign() writes the two Slack headers', async () => {
    const h = await sign({ scheme, payload: body, secret: SECRET, timestamp: NOW_S })
    expect(h).toEqual(signed(body))
  })
})

describe('parseFormBody', () => {
  it('decodes + and %XX, keeps empty values, skips empty pairs', () => {
    expect(parseFormBody('a=b+c&d=%26%3D&e=&f&&g=%C3%B1')).toEqual({
      a: 'b c',
      d: '&=',
      e: '',
      f: '',
      g: 'ñ',
    })
    expect(parseFormBody('')).toEqual({})
  })

  it('keeps __proto__ an ordinary field', () => {
    const fields = parseFormBody('__proto__=x&constructor=y')
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
    expect(Object.keys(fields)).toEqual(['__proto__', 'constructor'])
  })

  it('throws for malformed escapes and invalid UTF-8', () => {
    expect(() => parseFormBody('a=%')).toThrow(URIError)
    expect(() => parseFormBody('a=%C3')).toThrow(URIError)
  })
})
