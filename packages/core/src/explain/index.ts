export { explain } from './explain.js'
export { FINDING_CODES } from './findings.js'
export type { Confidence, ExplainInput, Explanation, Finding, FindingCode } from './types.js'
export type { UrlSigningScheme } from './url-variants.js'
