import { sign, verify } from '@hookguard/core'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import Stripe from 'stripe'
import { eventBody, kib, SIZES, secrets } from './fixtures.js'
import { type Budget, interleave, timeRatio } from './measure.js'
import { formatRatio, formatTime, type Row, type Section } from './report.js'

const TARGET = 1

function row(
  name: string,
  size: number,
  label: string,
  timings: Record<'hookguard' | 'library', { ns: number; rounds: number[] }>,
): Row {
  const ratio = timeRatio(timings.hookguard, timings.library)
  return {
    case: `${name}, ${kib(size)}`,
    hookguard: formatTime(timings.hookguard.ns),
    baseline: label,
    baselineValue: formatTime(timings.library.ns),
    ratio: formatRatio(ratio, 'time'),
    target: `<= ${TARGET.toFixed(2)}x time`,
    met: ratio.median <= TARGET,
  }
}

/** Group 3: the `stripe` and `github` schemes against the senders' own libraries. */
export async function benchStripeGithub(budget: Budget): Promise<Section> {
  // No request is ever made: only the webhooks helper is used.
  const stripe = new Stripe('sk_test_hookguard_bench')
  const rows: Row[] = []
  for (const size of SIZES) {
    const body = eventBody(size)
    const secret = secrets.stripe
    const headers = await sign({ scheme: 'stripe', payload: body, secret })
    const header = headers['stripe-signature'] as string
    const timings = await interleave(
      {
        hookguard: () => verify({ scheme: 'stripe', payload: body, headers, secret }),
        library: () => stripe.webhooks.constructEvent(body, header, secret),
      },
      budget,
    )
    rows.push(row('stripe', size, 'stripe webhooks.constructEvent', timings))
  }
  for (const size of SIZES) {
    const body = eventBody(size)
    const text = body.toString('utf8')
    const secret = secrets.github
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      ...(await sign({ scheme: 'github', payload: body, secret, id: 'delivery-1' })),
    }
    const signature = headers['x-hub-signature-256'] as string
    const octokit = async (payload: string) => {
      if (!(await octokitVerify(secret, payload, signature))) throw new Error('no match')
      return JSON.parse(payload)
    }
    // @octokit/webhooks-methods takes the payload as a string only: first both get the string,
    // then both start from the bytes an HTTP server has (octokit's case decodes them first).
    const timings = await interleave(
      {
        hookguardString: () => verify({ scheme: 'github', payload: text, headers, secret }),
        octokitString: () => octokit(text),
        hookguardBytes: () => verify({ scheme: 'github', payload: body, headers, secret }),
        octokitBytes: () => octokit(body.toString('utf8')),
      },
      budget,
    )
    rows.push(
      row('github, string body', size, '@octokit/webhooks-methods verify + JSON.parse', {
        hookguard: timings.hookguardString,
        library: timings.octokitString,
      }),
      row('github, Buffer body', size, 'toString + octokit verify + JSON.parse', {
        hookguard: timings.hookguardBytes,
        library: timings.octokitBytes,
      }),
    )
  }
  return {
    title: '3. stripe and github schemes against the senders’ libraries',
    method:
      "`verify({ scheme: 'stripe', … })` against `stripe.webhooks.constructEvent(body, header, " +
      "secret)` (same `Buffer` body, default 300 s tolerance); `verify({ scheme: 'github', … })` " +
      'against `await verify(secret, payload, signature)` of `@octokit/webhooks-methods` followed ' +
      'by `JSON.parse`: once with the same string for both (octokit takes nothing else), once ' +
      'from the `Buffer` an HTTP server hands over (octokit then needs `toString()` first). ' +
      'Median time per operation, ratio = median of per-round ratios.',
    rows,
    notes: [],
  }
}
