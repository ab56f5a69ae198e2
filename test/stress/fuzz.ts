import { eventBody, signHookguard } from '@hookguard/test-kit/scripts'
import { pick } from './random.js'
import { type RawRequest, sendRaw } from './raw-request.js'
import type { ScenarioContext } from './scenario.js'
import { newTally, record, type Tally } from './tally.js'

// The mutated-request fuzz: a valid signed delivery, then one mutation of its headers, signature,
// timestamp, body, method, content type, framing or path. Mutations that keep the signature valid
// (the body is signed after it is mutated) reach parsing and idempotency; the rest stop at
// verification. Every request must be answered (no hang, no undocumented 5xx, never the secret).

type Headers = Array<[string, string]>

interface Signed {
  timestamp: string
  signature: string
}

/** A mutated request, and the event id when it is still a valid delivery (it must run once). */
export interface Mutation {
  req: RawRequest
  family: string
  valid?: string
}

const nowS = () => String(Math.floor(Date.now() / 1000))

function signed(body: string | Buffer, secret: string, timestamp = nowS()): Signed {
  return { timestamp, signature: signHookguard(body, { secret, timestamp })['x-webhook-signature'] }
}

function post(headers: Headers, body: string | Buffer, over: Partial<RawRequest> = {}): RawRequest {
  return {
    method: 'POST',
    path: '/webhooks',
    headers,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    framing: 'length',
    ...over,
  }
}

const JSON_TYPE: Headers = [['content-type', 'application/json']]
const withSig = (s: Signed, extra: Headers = JSON_TYPE): Headers => [
  ...extra,
  ['x-webhook-timestamp', s.timestamp],
  ['x-webhook-signature', s.signature],
]

/** Bodies sent with a valid signature over them: parsing, ids and idempotency keys get these. */
function oddBodies(id: string): Array<string | Buffer> {
  const event = (fields: Record<string, unknown>) =>
    JSON.stringify({ id, type: 'order.created', created: 1, data: { object: {} }, ...fields })
  return [
    '',
    '{}',
    '[]',
    'null',
    '1',
    '"text"',
    '{"id":',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    event({ id: 1 }),
    `{"id":12345678901234567890,"type":"order.created"}`,
    event({ id: null }),
    event({ id: { nested: true } }),
    event({ id: '' }),
    event({ id: 'x'.repeat(10_000) }),
    event({ type: undefined }),
    event({ type: 42 }),
    event({ type: '' }),
    `{"__proto__":{"polluted":true},"id":"${id}","type":"order.created"}`,
    `{"constructor":{"prototype":{"polluted":true}},"id":"${id}","type":"order.created"}`,
    `\ufeff${event({})}`,
    Buffer.concat([
      Buffer.from(`{"id":"${id}","type":"order.created","x":"`),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]),
    event({ data: 'x'.repeat(900_000) }),
  ]
}

const FAMILIES = [
  'valid',
  'replay',
  'drop-header',
  'empty-headers',
  'huge-header',
  'signature',
  'timestamp',
  'duplicate-header',
  'signed-odd-body',
  'tampered-body',
  'method',
  'content-type',
  'framing',
  'path',
] as const

/** One mutation of a fresh valid delivery (number `n`, ids under `label`). */
export function mutate(rng: () => number, n: number, secret: string, label: string): Mutation {
  const id = `${label}-fuzz-${n}`
  const body = eventBody(id)
  const sig = signed(body, secret)
  const hex = sig.signature.slice(3)
  const family = pick(rng, FAMILIES)
  const m = (req: RawRequest, valid?: string): Mutation =>
    valid === undefined ? { req, family } : { req, family, valid }
  switch (family) {
    case 'valid':
      return m(post(withSig(sig), body), id)
    case 'replay': {
      // The same delivery as an earlier one (8 ids, each sent many times): duplicates.
      const again = `${label}-fuzz-replay-${n % 8}`
      return m(post(withSig(signed(eventBody(again), secret)), eventBody(again)), again)
    }
    case 'drop-header': {
      const drop = pick(rng, ['x-webhook-timestamp', 'x-webhook-signature', 'content-type'])
      return m(
        post(
          withSig(sig).filter(([name]) => name !== drop),
          body,
        ),
      )
    }
    case 'empty-headers':
      return m(post([...JSON_TYPE, ['x-webhook-timestamp', ''], ['x-webhook-signature', '']], body))
    case 'huge-header': {
      const size = pick(rng, [4096, 8000, 20_000])
      return m(post(withSig({ ...sig, signature: `v1=${'a'.repeat(size)}` }), body))
    }
    case 'signature': {
      const signature = pick(rng, [
        'v1=',
        'v1',
        '=',
        ',,,',
        'v1=zz',
        `v1=${hex.toUpperCase()}`,
        `v1=${hex.slice(0, -1)}`,
        `v2=${hex}`,
        `v0=${hex}`,
        `v1=${hex},v1=${hex}`,
        Array.from({ length: 40 }, () => 'v1=00').join(','),
        [...Array.from({ length: 31 }, () => 'v1=00'), `v1=${hex}`].join(','),
        ` v1=${hex} `,
        `v1=${hex}\t`,
        `v1=${'ff'.repeat(1000)}`,
        'v1=é',
        `v1=${hex};v1=${hex}`,
      ])
      return m(post(withSig({ ...sig, signature }), body))
    }
    case 'timestamp': {
      const now = Number(sig.timestamp)
      const timestamp = pick(rng, [
        '-1',
        '0',
        '1.5',
        '1e9',
        '0x10',
        ` ${now}`,
        String(now + 1000),
        String(now - 1000),
        '9'.repeat(400),
        'NaN',
        `000${now}`,
        `${now}000`,
      ])
      // Signed over the mutated text, so only the reading of the timestamp is tested.
      return m(post(withSig(signed(body, secret, timestamp)), body))
    }
    case 'duplicate-header': {
      const extra = pick<[string, string]>(rng, [
        ['x-webhook-signature', 'v1=00'],
        ['x-webhook-timestamp', '1'],
      ])
      return m(post([...withSig(sig), extra], body))
    }
    case 'signed-odd-body': {
      const odd = pick(rng, oddBodies(id))
      return m(post(withSig(signed(odd, secret)), odd))
    }
    case 'tampered-body': {
      const bytes = Buffer.from(body)
      const at = Math.floor(rng() * bytes.length)
      const tampered = pick(rng, [
        () => Buffer.from(bytes.map((byte, i) => (i === at ? byte ^ 1 : byte))),
        () => bytes.subarray(0, at),
        () => Buffer.concat([bytes, Buffer.from('\n')]),
        () => Buffer.from(JSON.stringify(JSON.parse(body), null, 2)),
      ])()
      return m(post(withSig(sig), tampered))
    }
    case 'method': {
      const method = pick(rng, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO'])
      return m(post(withSig(sig), body, { method }))
    }
    case 'content-type': {
      const type = pick(rng, [
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        '%%%',
        'application/json; charset=utf-16',
        `application/${'a'.repeat(4000)}`,
      ])
      return m(post(withSig(sig, [['content-type', type]]), body))
    }
    case 'framing': {
      const how = pick(rng, [
        'chunked',
        'short',
        'none',
        'bad-length',
        'length-and-chunked',
      ] as const)
      if (how === 'bad-length') {
        const length = pick(rng, ['-1', 'abc', '1e3', '99999999999999999999'])
        return m(post([...withSig(sig), ['content-length', length]], body, { framing: 'none' }))
      }
      if (how === 'length-and-chunked')
        return m(post([...withSig(sig), ['transfer-encoding', 'chunked']], body))
      // A chunked valid delivery is still valid.
      return m(post(withSig(sig), body, { framing: how }), how === 'chunked' ? id : undefined)
    }
    case 'path': {
      const path = pick(rng, ['/webhooks?x=1', '/webhooks/', '/WEBHOOKS', '/%2e%2e/webhooks', '*'])
      return m(post(withSig(sig), body, { path }))
    }
  }
}

/** Sends `requests` mutated deliveries, `concurrency` at a time, each on its own connection. */
export async function fuzz(ctx: ScenarioContext): Promise<Tally> {
  const tally = newTally()
  const { requests, concurrency } = ctx.plan.fuzz
  // A request left waiting for bytes that never come is answered at the body deadline.
  const timeoutMs = ctx.plan.bodyTimeoutMs + 10_000
  // Drawn up front, in order, so a seed gives the same requests whatever order they finish in.
  const mutations = Array.from({ length: requests }, (_, n) =>
    mutate(ctx.rng, n, ctx.secret, ctx.label),
  )
  let next = 0
  async function sender() {
    for (let m = mutations[next++]; m !== undefined; m = mutations[next++]) {
      const { req, family, valid } = m
      const answer = await sendRaw(ctx.url, req, timeoutMs)
      const what = `${family}: ${req.method} ${req.path} (${req.framing}) ${req.headers
        .map(([k, v]) => `${k}: ${v.slice(0, 40)}`)
        .join(', ')} ${req.body.subarray(0, 60).toString('latin1')}`
      record(tally, answer.status, answer.ms, answer.body, ctx.secret, what)
      if (valid !== undefined) {
        // A valid delivery is accepted (or a duplicate of one that was), or told to come back.
        if (answer.status === 200) tally.acked.add(valid)
        else if (answer.status !== 409 && answer.status !== 503)
          tally.violations.push(`valid delivery answered ${answer.status}: ${what}`)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, sender))
  return tally
}
