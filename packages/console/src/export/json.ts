import type { SliceResponse } from '../model/types.js';

/** The slice exactly as the service answered it, pretty-printed. */
export function toJson(slice: SliceResponse): string {
  return `${JSON.stringify(slice, null, 2)}\n`;
}
