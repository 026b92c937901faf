// Events as the firehose consumer hands them to a service. Record ops are already filtered to the
// collections the service asked for; everything else in a commit is dropped before its CAR is read.

export type RepoAction = 'create' | 'update' | 'delete'

export interface RepoOp {
  action: RepoAction
  collection: string
  rkey: string
  /** at://did/collection/rkey */
  uri: string
  /** the record's CID (null for deletes) */
  cid: string | null
  /** the decoded record (DAG-CBOR → JS; CID links as { $link }, bytes as { $bytes }); creates/updates only */
  record?: Record<string, unknown>
}

export interface CommitEvent {
  type: 'commit'
  seq: number
  did: string
  rev: string
  time: string
  /** only the ops on wanted collections; empty when the commit touched nothing of interest */
  ops: RepoOp[]
}

export interface IdentityEvent {
  type: 'identity'
  seq: number
  did: string
  handle?: string
  time: string
}

export interface AccountEvent {
  type: 'account'
  seq: number
  did: string
  active: boolean
  /** takendown | suspended | deleted | deactivated | desynchronized | throttled | … (absent when active) */
  status?: string
  time: string
}

export interface SyncEvent {
  type: 'sync'
  seq: number
  did: string
  rev: string
  time: string
}

/** `#info` frames (e.g. OutdatedCursor) carry no sequence number. */
export interface InfoEvent {
  type: 'info'
  name: string
  message?: string
}

export type FirehoseEvent = CommitEvent | IdentityEvent | AccountEvent | SyncEvent

/** Thrown for frames that cannot be decoded; the consumer counts them and carries on. */
export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError'
}

/** An error frame (op = -1) from the server, e.g. FutureCursor or ConsumerTooSlow. */
export class StreamErrorFrame extends Error {
  override name = 'StreamErrorFrame'
  readonly error: string
  constructor(error: string, message?: string) {
    super(message ? `${error}: ${message}` : error)
    this.error = error
  }
}
