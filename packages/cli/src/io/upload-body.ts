import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { RequestBody } from '@stella-ops/client';
import type { CliIo } from './cli-io.js';
import { counted, type Progress, progressBar } from './progress.js';

/**
 * A file to upload as a stream with a progress bar: a fresh read stream per attempt (so uploads
 * are retried on 429/503), or stdin for `-` (sent once).
 */
export async function uploadBody(
  io: CliIo,
  path: string,
  label: string,
  enabled: boolean,
): Promise<{ body: RequestBody; progress: Progress }> {
  if (path === '-') {
    const progress = progressBar(io, label, undefined, enabled);
    return { body: counted(io.stdin, progress), progress };
  }
  const info = await stat(path); // fails early (ENOENT) before any request is made
  const progress = progressBar(io, label, info.size, enabled);
  return {
    body: () => {
      progress.restart();
      return counted(createReadStream(path), progress);
    },
    progress,
  };
}
