import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * True when `authorization` is `Bearer <password>`. Both sides are hashed first, so the comparison
 * takes the same time whatever the length or content of the guess.
 */
export function checkAdminPassword(authorization: string | undefined, password: string): boolean {
  const m = /^Bearer +(.+)$/i.exec(authorization ?? '')
  const given = createHash('sha256').update(m?.[1] ?? '').digest()
  const expected = createHash('sha256').update(password).digest()
  return timingSafeEqual(given, expected) && m !== null
}
