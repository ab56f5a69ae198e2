import { Writable } from 'node:stream'
import { eventBody } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { harness, post, signedJson, versions } from './test-harness.js'

/** A pino destination that keeps every line Fastify's logger writes, parsed. */
function logSink() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, stream }
}

describe.each(versions)('$name', ({ fastify }) => {
  const { build } = harness(fastify)

  it("logs what nobody answers through Fastify's logger when no logger is given", async () => {
    const { lines, stream } = logSink()
    const { app } = await build(
      {
        on: {
          '*': () => {
            throw new Error('handler broke')
          },
        },
        retry: { attempts: 1 },
      },
      { logger: { level: 'warn', stream } },
    )
    const body = eventBody('evt_log_1')
    const response = await post(app, '/webhooks', body, signedJson(body))
    expect(response.statusCode).toBe(200)
    for (let i = 0; i < 200 && !lines.some((l) => l.code === 'DEAD_LETTER'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const deadLetter = lines.find((line) => line.code === 'DEAD_LETTER')
    expect(deadLetter).toMatchObject({ key: 'hookguard:evt_log_1', id: 'evt_log_1' })
    expect(JSON.stringify(lines)).not.toContain('whsec_')
  })

  it('an explicit logger option wins over Fastify’s', async () => {
    const { lines, stream } = logSink()
    const seen: string[] = []
    const logger = {
      warn: (fields: { code: string }) => seen.push(fields.code),
      error: (fields: { code: string }) => seen.push(fields.code),
    }
    const { app } = await build(
      {
        on: {
          '*': () => {
            throw new Error('handler broke')
          },
        },
        retry: { attempts: 1 },
        logger,
      },
      { logger: { level: 'warn', stream } },
    )
    const body = eventBody('evt_log_2')
    await post(app, '/webhooks', body, signedJson(body))
    for (let i = 0; i < 200 && !seen.includes('DEAD_LETTER'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(seen).toContain('DEAD_LETTER')
    expect(lines.some((line) => line.code === 'DEAD_LETTER')).toBe(false)
  })

  it('fastify.close() waits for acknowledged handlers to finish', async () => {
    let finished = 0
    const { app } = await build({
      on: {
        '*': async () => {
          await new Promise((resolve) => setTimeout(resolve, 300))
          finished++
        },
      },
    })
    const bodies = ['evt_close_1', 'evt_close_2'].map((id) => eventBody(id))
    for (const body of bodies) {
      expect((await post(app, '/webhooks', body, signedJson(body))).statusCode).toBe(200)
    }
    // Let the background runs start (they begin a timer turn after the answer).
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(finished).toBe(0)
    await app.close()
    expect(finished).toBe(2)
  })

  it('an event that cannot finish before close() goes to the dead-letter hook as shutdown', async () => {
    const reasons: string[] = []
    const { app } = await build({
      on: { '*': () => new Promise(() => {}) },
      closeTimeoutMs: 100,
      onDeadLetter: (_event, _error, info) => {
        reasons.push(info.reason)
      },
    })
    const body = eventBody('evt_close_3')
    expect((await post(app, '/webhooks', body, signedJson(body))).statusCode).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await app.close()
    expect(reasons).toEqual(['shutdown'])
  })
})
