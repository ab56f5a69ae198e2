import express5 from 'express'
import express4 from 'express4'

/** Both supported majors; suites run once per entry with `describe.each`. */
export const versions = [
  { name: 'express 5', express: express5 },
  { name: 'express 4', express: express4 },
] as const

export type ExpressModule = typeof express5
