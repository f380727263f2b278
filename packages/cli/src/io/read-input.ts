import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { CliIo } from './cli-io.js';

/** The whole of a file, or of stdin for `-`. */
export async function readInput(io: CliIo, path: string): Promise<Buffer> {
  if (path !== '-') return readFile(path);
  const parts: Buffer[] = [];
  for await (const chunk of io.stdin)
    parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts);
}

/** A file (or stdin for `-`) as a stream, with its size when known. */
export async function openInput(io: CliIo, path: string): Promise<{ stream: Readable; size?: number }> {
  if (path === '-') return { stream: io.stdin };
  const info = await stat(path); // fails early (ENOENT) before any request is made
  return { stream: createReadStream(path), size: info.size };
}

/** A file's JSON (or stdin's for `-`). */
export async function readJson(io: CliIo, path: string): Promise<unknown> {
  const text = (await readInput(io, path)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SyntaxError(`${path === '-' ? 'stdin' : path} is not JSON: ${(err as Error).message}`);
  }
}
