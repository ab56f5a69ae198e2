import { describe, expect, it } from 'vitest'
import { onNodeServer } from './node-server.js'

describe('onNodeServer', () => {
  it("recognizes @hono/node-server's HttpBindings and nothing else", () => {
    expect(onNodeServer({ incoming: {}, outgoing: {} })).toBe(true)
    for (const env of [undefined, null, {}, { incoming: {} }, { waitUntil() {} }, 'env']) {
      expect(onNodeServer(env)).toBe(false)
    }
  })
})
