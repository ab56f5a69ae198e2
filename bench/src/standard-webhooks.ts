import { createHmac, createSecretKey } from 'node:crypto'
import { sign, verify } from '@hookguard/core'
import { standardWebhooksKey } from '@hookguard/core/scheme'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { eventBody, kib, SIZES, secrets } from './fixtures.js'
import { type Budget, interleave, timeRatio } from './measure.js'
import { formatRatio, formatTime, type Row, type Section } from './report.js'

const TARGETS: Record<number, number> = { 1024: 3, [64 * 1024]: 5 }

/** Group 2: the `standard-webhooks` scheme against the reference library and Svix's. */
export async function benchStandardWebhooks(budget: Budget): Promise<Section> {
  const secret = secrets.standardWebhooks
  const standard = new StandardWebhook(secret)
  const svix = new SvixWebhook(secret)
  const key = createSecretKey(standardWebhooksKey(secret) as Uint8Array)
  const rows: Row[] = []
  const floors: string[] = []
  for (const size of SIZES) {
    const body = eventBody(size)
    const headers = await sign({ scheme: 'standard-webhooks', payload: body, secret, id: 'msg_1' })
    const signed = `msg_1.${headers['webhook-timestamp']}.`
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'standard-webhooks', payload: body, headers, secret }),
        standardwebhooks: () => standard.verify(body, headers),
        // This svix's verify checks and returns nothing; the parse makes it return the event too.
        svix: () => {
          svix.verify(body, headers)
          return JSON.parse(body.toString('utf8'))
        },
        // The least any verifier returning the event must do: one native HMAC and the parse.
        floor: () => {
          createHmac('sha256', key).update(signed).update(body).digest()
          return JSON.parse(body.toString('utf8'))
        },
      },
      budget,
    )
    const target = TARGETS[size] as number
    floors.push(
      `${kib(size)}: createHmac + JSON.parse alone take ${formatTime(timings.floor.ns)}, so even ` +
        `a verifier doing nothing else would be at most ` +
        `${timeRatio(timings.standardwebhooks, timings.floor).median.toFixed(2)}x faster than ` +
        `standardwebhooks (hookguard: ${formatTime(timings.hookguard.ns)}).`,
    )
    for (const [library, label] of [
      ['standardwebhooks', 'standardwebhooks Webhook.verify'],
      ['svix', 'svix Webhook.verify + JSON.parse'],
    ] as const) {
      const speedup = timeRatio(timings[library], timings.hookguard)
      rows.push({
        case: `standard-webhooks, ${kib(size)}`,
        hookguard: formatTime(timings.hookguard.ns),
        baseline: label,
        baselineValue: formatTime(timings[library].ns),
        ratio: formatRatio(speedup, 'faster'),
        target: `>= ${target}x faster`,
        met: speedup.median >= target,
      })
    }
  }
  return {
    title: '2. standard-webhooks scheme against standardwebhooks and svix',
    method:
      "`verify({ scheme: 'standard-webhooks', … })` against `new Webhook(secret).verify(body, " +
      'headers)` of `standardwebhooks` and of `svix` (each `Webhook` built once, as hookguard ' +
      'caches its key). Same `whsec_` secret, same `Buffer` body and `webhook-*` headers. ' +
      '"x faster" is the library\'s median time over hookguard\'s (median of per-round ratios).',
    rows,
    notes: [
      "This svix version's `Webhook.verify` returns nothing (it calls standardwebhooks with " +
        '`jsonParse: false`), so its case adds the `JSON.parse` every receiver then does.',
      'Both libraries hash with `fast-sha256` (pure JavaScript) over a `TextEncoder` copy of the ' +
        'body; hookguard uses `node:crypto` over the bytes as received.',
      ...floors,
    ],
  }
}
