export {
  type BullInbox,
  createInbox,
  type DeadLetter,
  type InboxOptions,
} from './inbox.js'
export type { InboxJobData } from './job-data.js'
export {
  createWorker,
  type InboxWorker,
  type WorkerDeadLetterInfo,
  type WorkerOptions,
} from './worker.js'
