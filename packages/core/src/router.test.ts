import { describe, expect, it } from 'vitest'
import { createRouter } from './router.js'

describe('createRouter', () => {
  const exact = () => 'exact'
  const order = () => 'order.*'
  const orderItem = () => 'order.item.*'
  const any = () => '*'
  const route = createRouter({
    '*': any,
    'order.*': order,
    'order.item.*': orderItem,
    'order.created': exact,
  })

  it.each([
    ['order.created', exact],
    ['order.paid', order],
    ['order.item.added', orderItem],
    ['order.item', order],
    ['orders.created', any],
    ['order', any],
    ['customer.created', any],
  ])('routes %s to the most specific handler', (type, handler) => {
    expect(route(type)).toBe(handler)
  })

  it('routes an event without a type only to *', () => {
    expect(route(undefined)).toBe(any)
    expect(createRouter({ 'order.*': order })(undefined)).toBeUndefined()
  })

  it('returns undefined when nothing matches', () => {
    expect(createRouter({ 'order.created': exact })('order.paid')).toBeUndefined()
  })

  it.each([
    ['a non-function handler', { 'order.created': 'nope' }],
    ['a middle wildcard', { 'order.*.created': exact }],
    ['a bare prefix wildcard', { 'order*': exact }],
    ['an empty key', { '': exact }],
    ['an array', [exact]],
    ['null', null],
  ])('throws TypeError for %s', (_name, on) => {
    expect(() => createRouter(on as never)).toThrow(TypeError)
  })
})
