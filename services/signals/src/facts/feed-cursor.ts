import { problems } from '@stella-ops/service-kit';

/** A position in the feed: after line `line` (1-based) of the batch at feed position `seq`. */
export interface FeedCursor {
  seq: string;
  line: number;
}

/** Opaque to clients: base64url of `<seq>:<line>`. */
export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(`${c.seq}:${c.line}`, 'latin1').toString('base64url');
}

/** 400 `CURSOR_INVALID` for anything {@link encodeCursor} did not make. */
export function decodeCursor(text: string): FeedCursor {
  const m = /^(\d{1,19}):(\d{1,9})$/.exec(
    /^[A-Za-z0-9_-]{1,64}$/.test(text) ? Buffer.from(text, 'base64url').toString('latin1') : '',
  );
  if (!m) throw problems.badRequest('CURSOR_INVALID', 'cursor is not one this feed returned');
  return { seq: String(BigInt(m[1] as string)), line: Number(m[2]) };
}
