import { decodeCursor, encodeCursor } from './feed-cursor.js';

describe('feed cursor', () => {
  it('round-trips', () => {
    const c = { seq: '9007199254740993', line: 42 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it.each(['', '%%%', 'YWJj', Buffer.from('1:').toString('base64url'), 'A'.repeat(100)])(
    'rejects %j with 400 CURSOR_INVALID',
    (text) => {
      expect(() => decodeCursor(text)).toThrow(
        expect.objectContaining({ status: 400, code: 'CURSOR_INVALID' }),
      );
    },
  );
});
