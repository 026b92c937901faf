import { describe, expect, test } from 'vitest'
import { decodeTimeCursor, encodeTimeCursor, InvalidCursorError } from './index.ts'

describe('time cursors', () => {
  test.each([
    [1_735_689_600_000, 'at://did:plc:abc123/app.bsky.feed.post/3kpost'],
    [0, 'at://did:web:example.com/app.bsky.feed.post/3k'],
    [Number.MAX_SAFE_INTEGER, 'at://did:plc:x/app.bsky.feed.post/a'],
    // a URI that itself contains '::' survives: only the first '::' separates
    [42, 'at://did:plc:x/app.bsky.feed.post/a::b'],
  ])('round trip %d %s', (ms, uri) => {
    const cursor = encodeTimeCursor(ms, uri)
    expect(typeof cursor).toBe('string')
    expect(decodeTimeCursor(cursor)).toEqual({ ms, uri, served: 0 })
  })

  test('with a count of items served: ms::served::uri', () => {
    const c = encodeTimeCursor(1700000000000, 'at://did:plc:a/app.bsky.feed.post/b', 40)
    expect(c).toBe('1700000000000::40::at://did:plc:a/app.bsky.feed.post/b')
    expect(decodeTimeCursor(c)).toEqual({ ms: 1700000000000, uri: 'at://did:plc:a/app.bsky.feed.post/b', served: 40 })
  })

  test('the encoded form is ms::uri', () => {
    expect(encodeTimeCursor(1700000000000, 'at://did:plc:a/app.bsky.feed.post/b')).toBe('1700000000000::at://did:plc:a/app.bsky.feed.post/b')
  })

  test('cursors sort by time when the times have the same number of digits', () => {
    const a = decodeTimeCursor(encodeTimeCursor(1700000000000, 'at://did:plc:a/app.bsky.feed.post/z'))
    const b = decodeTimeCursor(encodeTimeCursor(1700000000001, 'at://did:plc:a/app.bsky.feed.post/a'))
    expect(a.ms).toBeLessThan(b.ms)
  })

  test.each([
    ['empty', ''],
    ['no separator', 'abc'],
    ['only a number', '123'],
    ['no time', '::at://x'],
    ['time with a letter', '12a::at://did/x/y'],
    ['not an at:// uri', '1::http://x'],
    ['no uri', '1::'],
    ['negative time', '-1::at://x'],
    ['fractional time', '1.5::at://x'],
    ['5000 characters', `1::at://${'x'.repeat(4992)}`],
    ['5000 characters of junk', 'y'.repeat(5000)],
    ['a time beyond the safe integer range', '99999999999999999999::at://x'],
    ['a 16-digit time beyond the safe integer range', '9999999999999999::at://x'],
  ])('%s is an InvalidCursorError', (_name, cursor) => {
    expect(() => decodeTimeCursor(cursor)).toThrow(InvalidCursorError)
  })

  test('the error is an Error named InvalidCursorError', () => {
    let err: unknown
    try {
      decodeTimeCursor('nope')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).name).toBe('InvalidCursorError')
  })
})
