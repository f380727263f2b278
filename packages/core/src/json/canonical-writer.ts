import { isCoreError } from '../error.js';
import { canonicalJsonInvalid, pointerToken } from './invalid.js';
import { MAX_NUMBER_BYTES, writeJsonNumber } from './json-number.js';
import { LONE_SURROGATE, MAX_BYTES_PER_CODE_UNIT, writeJsonString } from './json-string.js';
import { MAX_NESTING_DEPTH } from './limits.js';
import { isPlainObject } from './plain-object.js';
import { sortedKeys } from './sorted-keys.js';

/**
 * Receives the canonical UTF-8 bytes piece by piece, in order. The chunk is a view into a buffer
 * that is reused as soon as the callback returns: copy it (or hash it) before returning.
 */
export type ChunkSink = (chunk: Uint8Array) => void;

/**
 * The writer's own sink: told whether the chunk is the last one, and may return a fresh buffer to
 * write on into (so a collector can keep chunks without copying them).
 */
export type WriterSink = (chunk: Uint8Array, last: boolean) => Uint8Array | undefined;

/** Size of the scratch buffer the writer fills before handing it to the sink. */
const SCRATCH_BYTES = 64 * 1024;
/** How often (in nesting levels) the writer looks for a cycle among the ancestors of a value. */
const CYCLE_CHECK_INTERVAL = 64;

/** One scratch buffer kept between calls; a nested or concurrent call allocates its own. */
let pooledScratch: Uint8Array | undefined;

/**
 * Serializes a JSON value to RFC 8785 canonical UTF-8 in one recursive pass that validates as it
 * writes: object keys sorted by UTF-16 code units, numbers as ECMAScript prints them, strings
 * escaped as `JSON.stringify` does. Everything that has no JSON form is rejected with
 * `CANONICAL_JSON_INVALID` and the JSON pointer of the offending value.
 *
 * Cycles are not looked for on every container: a cycle means unbounded depth, so the ancestors are
 * searched only every {@link CYCLE_CHECK_INTERVAL} levels (shared, acyclic references are fine), and
 * nesting is limited to {@link MAX_NESTING_DEPTH} containers.
 */
export class CanonicalWriter {
  private buf: Uint8Array;
  private pos = 0;
  private written = 0;
  /** The containers on the path from the root to the value being written. */
  private readonly ancestors: object[] = [];
  /** The keys and indices on that path, to name the offending value in errors. */
  private readonly path: (string | number)[] = [];
  /** Per depth, the last object's keys in enumeration order, and the same keys sorted. */
  private readonly lastKeys: string[][] = [];
  private readonly lastSorted: string[][] = [];
  /** `Object.prototype` has no enumerable keys (checked at the start of each write). */
  private plainPrototype = true;

  /** `initial`: the buffer to write into first (by default a pooled 64 KB scratch buffer). */
  constructor(
    private readonly sink: WriterSink,
    initial?: Uint8Array,
  ) {
    if (initial) this.buf = initial;
    else {
      this.buf = pooledScratch ?? new Uint8Array(SCRATCH_BYTES);
      pooledScratch = undefined;
    }
  }

  /** Writes `value` completely, flushes, and returns the number of bytes written. */
  write(value: unknown): number {
    return this.run(() => this.top(value));
  }

  /**
   * Writes each value followed by a line feed (canonical NDJSON), flushes once at the end, and
   * returns the number of bytes written. Error pointers are relative to the value being written.
   */
  writeLines(values: Iterable<unknown>): number {
    return this.run(() => {
      for (const value of values) {
        this.top(value);
        this.ensure(1);
        this.buf[this.pos++] = 0x0a;
      }
    });
  }

  private top(value: unknown): void {
    if (value === undefined) throw canonicalJsonInvalid('undefined is not a JSON value', '');
    this.value(value, 0);
  }

  private run(writeAll: () => void): number {
    const scratch = this.buf;
    this.plainPrototype = !objectPrototypeHasKeys();
    try {
      writeAll();
      this.flush(true);
      return this.written;
    } catch (err) {
      throw isStackOverflow(err) ? canonicalJsonInvalid('nesting is too deep', '', err) : err;
    } finally {
      if (scratch.length === SCRATCH_BYTES) pooledScratch = scratch;
    }
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        this.string(v, depth);
        return;
      case 'number':
        if (v - v !== 0) throw this.invalid(`${v} is not a JSON number`, depth);
        this.ensure(MAX_NUMBER_BYTES);
        this.pos = writeJsonNumber(this.buf, this.pos, v);
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) this.ascii('null');
        else if (Array.isArray(v)) this.array(v, depth);
        else this.object(v, depth);
        return;
      default:
        throw this.invalid(`a ${typeof v} is not a JSON value`, depth);
    }
  }

  private array(v: unknown[], depth: number): void {
    this.enter(v, depth);
    const n = v.length;
    this.ensure(1);
    this.buf[this.pos++] = 0x5b;
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        this.ensure(1);
        this.buf[this.pos++] = 0x2c;
      }
      const e = v[i];
      // Holes and undefined elements become null, as in JSON.stringify.
      if (e === undefined) this.ascii('null');
      else {
        this.path[depth] = i;
        this.value(e, depth + 1);
      }
    }
    this.ensure(1);
    this.buf[this.pos++] = 0x5d;
  }

  private object(v: object, depth: number): void {
    if (!isPlainObject(v)) {
      const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
      throw this.invalid(`a ${typeof name === 'string' ? name : 'non-plain object'} is not JSON data`, depth);
    }
    this.enter(v, depth);
    const keys = this.sortedKeysOf(v, depth);
    const record = v as Record<string, unknown>;
    this.ensure(1);
    this.buf[this.pos++] = 0x7b;
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const e = record[k];
      if (e === undefined) continue;
      this.path[depth] = k;
      this.ensure(k.length * MAX_BYTES_PER_CODE_UNIT + 4);
      if (first) first = false;
      else this.buf[this.pos++] = 0x2c;
      this.pos = this.stringAt(k, depth + 1);
      this.buf[this.pos++] = 0x3a;
      this.value(e, depth + 1);
    }
    this.ensure(1);
    this.buf[this.pos++] = 0x7d;
  }

  /**
   * {@link sortedKeys} of `v`, reused when `v` has the same keys in the same order as the previous
   * object at this depth — documents are lists of like objects, and enumerating keys to compare them
   * allocates nothing, unlike `Object.keys`.
   */
  private sortedKeysOf(v: object, depth: number): string[] {
    const last = this.lastKeys[depth];
    // for-in also lists inherited enumerable keys: compare with it only where there are none
    const proto: unknown = Object.getPrototypeOf(v);
    if (last !== undefined && (proto === null || (proto === Object.prototype && this.plainPrototype))) {
      let i = 0;
      let same = true;
      for (const k in v) {
        if (i >= last.length || last[i] !== k) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === last.length) return this.lastSorted[depth] as string[];
    }
    const keys = Object.keys(v);
    this.lastKeys[depth] = keys;
    const sorted = sortedKeys(v);
    this.lastSorted[depth] = sorted;
    return sorted;
  }

  private string(s: string, depth: number): void {
    this.ensure(s.length * MAX_BYTES_PER_CODE_UNIT + 2);
    this.pos = this.stringAt(s, depth);
  }

  /** Writes a string (value or key) at the current position; room must have been ensured. */
  private stringAt(s: string, depth: number): number {
    const end = writeJsonString(this.buf, this.pos, s);
    if (end === LONE_SURROGATE) throw this.invalid('a lone surrogate is not well-formed UTF-16', depth);
    return end;
  }

  private ascii(s: 'null' | 'true' | 'false'): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private enter(container: object, depth: number): void {
    this.ancestors[depth] = container;
    if (depth > 0 && depth % CYCLE_CHECK_INTERVAL === 0 && this.ancestors.indexOf(container) < depth) {
      throw this.invalid('the value contains itself (a cycle)', depth);
    }
    if (depth >= MAX_NESTING_DEPTH)
      throw this.invalid(`more than ${MAX_NESTING_DEPTH} nested containers`, depth);
  }

  /** Makes room for `bytes` more bytes: hands what is buffered to the sink, grows if one write is huge. */
  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.flush(false);
    if (bytes > this.buf.length) this.buf = new Uint8Array(bytes);
  }

  private flush(last: boolean): void {
    if (this.pos === 0) return;
    this.written += this.pos;
    const chunk = this.buf.subarray(0, this.pos);
    this.pos = 0;
    const next = this.sink(chunk, last);
    if (next !== undefined) this.buf = next;
  }

  private invalid(reason: string, depth: number) {
    let pointer = '';
    for (let i = 0; i < depth; i++) pointer += `/${pointerToken(this.path[i]!)}`;
    return canonicalJsonInvalid(reason, pointer);
  }
}

/** Whether `Object.prototype` has enumerable keys (someone added one), which a for-in would list. */
function objectPrototypeHasKeys(): boolean {
  for (const _ in Object.prototype) return true;
  return false;
}

function isStackOverflow(err: unknown): boolean {
  return (
    !isCoreError(err) &&
    (err as Error | null)?.name === 'RangeError' &&
    /call stack/i.test((err as Error).message)
  );
}
