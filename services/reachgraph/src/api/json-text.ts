import type { Response } from 'express';

/** Below this many characters a JSON text is sent as a string: encoding it is cheap either way. */
const SMALL_TEXT_CHARS = 16 * 1024;

/** Sizes of a {@link JsonTextSender}'s scratch buffers. */
export interface ScratchLimits {
  /** Smallest scratch buffer made (a typical CVE page is ~360 KB). */
  minBytes: number;
  /** Largest; a text that may need more gets a Buffer of its own. */
  maxBytes: number;
  /** Scratch buffers kept for reuse: about one per response written at the same time. */
  kept: number;
}

/** At most 16 MiB kept: a page up to ~1.4 M characters (a typical CVE page is ~360 K) uses the pool. */
const DEFAULT_LIMITS: ScratchLimits = { minBytes: 1024 * 1024, maxBytes: 4 * 1024 * 1024, kept: 4 };

/**
 * Ends responses with JSON texts and their Content-Length, a large text encoded into a scratch
 * buffer kept across responses.
 *
 * Ending with the string instead costs far more: Node flattens it to measure it, then mallocs three
 * bytes a character to encode it for the socket (a fresh mmap for every ~360 KB slice page); a
 * Buffer of its own costs an allocation of the same size. A scratch buffer returns to the pool only
 * when its response has finished, that is, when the socket has taken every byte of it; a response
 * that never finishes (client gone) leaves its buffer to the garbage collector.
 */
export class JsonTextSender {
  private readonly free: Buffer[] = [];

  constructor(private readonly limits: ScratchLimits = DEFAULT_LIMITS) {}

  /** Ends `res` with `json` (the caller sets status and Content-Type). */
  end(res: Response, json: string): void {
    if (json.length < SMALL_TEXT_CHARS) {
      res.setHeader('Content-Length', Buffer.byteLength(json));
      res.end(json);
      return;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const worstCase = json.length * 3;
    if (worstCase > this.limits.maxBytes) {
      const bytes = Buffer.from(json, 'utf8');
      res.setHeader('Content-Length', bytes.length);
      res.end(bytes);
      return;
    }
    let scratch = this.free.pop();
    if (!scratch || scratch.length < worstCase) {
      scratch = Buffer.allocUnsafeSlow(Math.max(worstCase, this.limits.minBytes));
    }
    const length = scratch.write(json, 0, 'utf8');
    const taken = scratch;
    res.setHeader('Content-Length', length);
    res.end(taken.subarray(0, length), () => {
      if (this.free.length < this.limits.kept) this.free.push(taken);
    });
  }
}

const shared = new JsonTextSender();

/** {@link JsonTextSender.end} on the process's shared scratch buffers. */
export function endWithJsonText(res: Response, json: string): void {
  shared.end(res, json);
}
