import { describe, expect, it } from 'vitest'
import { type Linked, LinkedList } from './linked-list.js'

interface Node extends Linked<Node> {
  name: string
}

const node = (name: string): Node => ({ name, prev: undefined, next: undefined, linked: false })
const names = (list: LinkedList<Node>) => [...list].map((n) => n.name)

describe('LinkedList', () => {
  it('iterates in push order, and deletes from the front, the middle and the back', () => {
    const list = new LinkedList<Node>()
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(node) as [Node, Node, Node, Node]
    for (const n of [a, b, c, d]) list.push(n)
    expect(names(list)).toEqual(['a', 'b', 'c', 'd'])
    expect(list.delete(b)).toBe(true)
    expect(names(list)).toEqual(['a', 'c', 'd'])
    expect(list.delete(a)).toBe(true)
    expect(list.delete(d)).toBe(true)
    expect(names(list)).toEqual(['c'])
    expect(list.size).toBe(1)
    list.push(a)
    expect(names(list)).toEqual(['c', 'a'])
  })

  it('ignores a second push and a delete of a node it does not hold', () => {
    const list = new LinkedList<Node>()
    const a = node('a')
    list.push(a)
    list.push(a)
    expect(list.size).toBe(1)
    expect(names(list)).toEqual(['a'])
    expect(list.delete(node('x'))).toBe(false)
    expect(list.delete(a)).toBe(true)
    expect(list.delete(a)).toBe(false)
    expect(list.size).toBe(0)
    expect(names(list)).toEqual([])
  })

  it('lets the node being visited be deleted', () => {
    const list = new LinkedList<Node>()
    for (const name of ['a', 'b', 'c']) list.push(node(name))
    const seen: string[] = []
    for (const n of list) {
      seen.push(n.name)
      list.delete(n)
    }
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(list.size).toBe(0)
  })
})
