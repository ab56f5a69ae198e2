export { expectCode, type VerificationErrorLike } from './expect-code.js'
export * from './scripts.js'
