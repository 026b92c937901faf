// What setup-labeler writes: the DID document entries (via a PLC operation) and the
// app.bsky.labeler.service record.

import { LABEL_DEFINITIONS } from '../../labeler/classify/label-defs.ts'
import { REPORT_REASON_TYPES } from '../../labeler/moderation/reasons.ts'
import type { PlcData } from './atproto.ts'

export const LABELER_SERVICE = 'app.bsky.labeler.service'
export const LABEL_KEY_ID = 'atproto_label'
export const LABELER_SERVICE_ID = 'atproto_labeler'
export const LABELER_SERVICE_TYPE = 'AtprotoLabeler'

/**
 * The report reasons this labeler reviews: exactly the ones its createReport accepts
 * (labeler/moderation/reasons.ts), so the app only offers reasons that will be taken.
 */
export const REASON_TYPES: readonly string[] = REPORT_REASON_TYPES

export const SUBJECT_TYPES = ['record', 'account'] as const
export const SUBJECT_COLLECTIONS = ['app.bsky.feed.post'] as const

export type LabelerServiceRecord = {
  $type: typeof LABELER_SERVICE
  policies: { labelValues: string[]; labelValueDefinitions: unknown[] }
  reasonTypes: string[]
  subjectTypes: string[]
  subjectCollections: string[]
  createdAt: string
}

export function buildServiceRecord(createdAt: string): LabelerServiceRecord {
  return {
    $type: LABELER_SERVICE,
    policies: {
      labelValues: LABEL_DEFINITIONS.map((d) => d.identifier),
      // @NOTE a JSON copy: the record must not share objects with the classifier's definitions
      labelValueDefinitions: JSON.parse(JSON.stringify(LABEL_DEFINITIONS)) as unknown[],
    },
    reasonTypes: [...REASON_TYPES],
    subjectTypes: [...SUBJECT_TYPES],
    subjectCollections: [...SUBJECT_COLLECTIONS],
    createdAt,
  }
}

export interface PlcPlan {
  /** false when the DID document already has this key and endpoint */
  needed: boolean
  /** human-readable lines, one per change */
  changes: string[]
  verificationMethods: Record<string, string>
  services: Record<string, { type: string; endpoint: string }>
}

/** The PLC changes that give `current` the label key `keyDid` and the labeler service `endpoint`. */
export function planPlc(current: Pick<PlcData, 'verificationMethods' | 'services'>, keyDid: string | undefined, endpoint: string): PlcPlan {
  const changes: string[] = []
  const oldKey = current.verificationMethods[LABEL_KEY_ID]
  const newKey = keyDid ?? '(a new key, created when the operation is signed)'
  if (keyDid === undefined || oldKey !== keyDid) changes.push(`#${LABEL_KEY_ID}: ${oldKey ?? '(none)'} → ${newKey}`)
  const oldSvc = current.services[LABELER_SERVICE_ID]
  if (oldSvc?.type !== LABELER_SERVICE_TYPE || oldSvc.endpoint !== endpoint) {
    changes.push(`#${LABELER_SERVICE_ID}: ${oldSvc ? `${oldSvc.type} ${oldSvc.endpoint}` : '(none)'} → ${LABELER_SERVICE_TYPE} ${endpoint}`)
  }
  return {
    needed: changes.length > 0,
    changes,
    verificationMethods: { ...current.verificationMethods, ...(keyDid ? { [LABEL_KEY_ID]: keyDid } : {}) },
    services: { ...current.services, [LABELER_SERVICE_ID]: { type: LABELER_SERVICE_TYPE, endpoint } },
  }
}
