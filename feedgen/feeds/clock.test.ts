import { describe, expect, test } from 'vitest'
import { inQuietHours, instantOf, lastRelease, nextLocal } from './clock.ts'

const AMS = 'Europe/Amsterdam'
const utc = (s: string) => Date.parse(s)

describe('quiet hours', () => {
  test('spanning midnight, in winter (CET, UTC+1) and summer (CEST, UTC+2)', () => {
    const q = { from: '23:00', to: '07:00' }
    expect(inQuietHours(utc('2026-01-15T21:59:00Z'), AMS, q)).toBe(false) // 22:59 local
    expect(inQuietHours(utc('2026-01-15T22:00:00Z'), AMS, q)).toBe(true) // 23:00 local
    expect(inQuietHours(utc('2026-01-16T05:59:00Z'), AMS, q)).toBe(true) // 06:59 local
    expect(inQuietHours(utc('2026-01-16T06:00:00Z'), AMS, q)).toBe(false) // 07:00 local
    expect(inQuietHours(utc('2026-07-15T21:00:00Z'), AMS, q)).toBe(true) // 23:00 CEST
    expect(inQuietHours(utc('2026-07-15T20:59:00Z'), AMS, q)).toBe(false)
  })

  test('within one day', () => {
    const q = { from: '12:00', to: '13:30' }
    expect(inQuietHours(utc('2026-03-02T11:15:00Z'), AMS, q)).toBe(true) // 12:15 local
    expect(inQuietHours(utc('2026-03-02T12:30:00Z'), AMS, q)).toBe(false) // 13:30 local
  })

  test('across the spring-forward night (29 March 2026, 02:00 → 03:00)', () => {
    const q = { from: '01:30', to: '03:15' }
    expect(inQuietHours(utc('2026-03-29T00:45:00Z'), AMS, q)).toBe(true) // 01:45 CET
    expect(inQuietHours(utc('2026-03-29T01:10:00Z'), AMS, q)).toBe(true) // 03:10 CEST
    expect(inQuietHours(utc('2026-03-29T01:15:00Z'), AMS, q)).toBe(false) // 03:15 CEST
  })
})

describe('release moments', () => {
  const releases = ['08:00', '12:30', '18:00']
  test('the latest release at or before now', () => {
    expect(lastRelease(utc('2026-01-15T11:00:00Z'), AMS, releases)).toBe(utc('2026-01-15T07:00:00Z')) // 12:00 local → 08:00
    expect(lastRelease(utc('2026-01-15T11:30:00Z'), AMS, releases)).toBe(utc('2026-01-15T11:30:00Z')) // exactly 12:30
    expect(lastRelease(utc('2026-01-16T06:00:00Z'), AMS, releases)).toBe(utc('2026-01-15T17:00:00Z')) // 07:00 → yesterday 18:00
  })

  test('across the autumn change (25 October 2026, 03:00 CEST → 02:00 CET)', () => {
    // 08:00 local on 25 Oct is 07:00Z (CET); the day before it was 06:00Z (CEST)
    expect(lastRelease(utc('2026-10-25T07:30:00Z'), AMS, releases)).toBe(utc('2026-10-25T07:00:00Z'))
    expect(lastRelease(utc('2026-10-25T06:30:00Z'), AMS, releases)).toBe(utc('2026-10-24T16:00:00Z'))
    expect(nextLocal(utc('2026-10-24T16:00:00Z'), AMS, releases)).toBe(utc('2026-10-25T07:00:00Z'))
  })

  test('a local time skipped by the spring change moves forward by the gap (02:30 → 03:30 CEST)', () => {
    expect(instantOf(2026, 3, 29, 2, 30, AMS)).toBe(utc('2026-03-29T01:30:00Z'))
    // an hour that happens twice resolves to the first
    expect(instantOf(2026, 10, 25, 2, 30, AMS)).toBe(utc('2026-10-25T00:30:00Z'))
  })
})
