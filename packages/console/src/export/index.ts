import type { SliceResponse } from '../model/types.js';
import type { ExportFormat } from '../routing/route.js';
import { toDot } from './dot.js';
import { toJson } from './json.js';
import { toMermaid } from './mermaid.js';

export { dotString, toDot } from './dot.js';
export { toJson } from './json.js';
export { mermaidText, toMermaid } from './mermaid.js';

/** An export: its text, media type and a file name naming the graph and the query. */
export interface ExportFile {
  text: string;
  mediaType: string;
  fileName: string;
}

const EXT: Record<ExportFormat, { ext: string; mediaType: string }> = {
  json: { ext: 'json', mediaType: 'application/json' },
  dot: { ext: 'dot', mediaType: 'text/vnd.graphviz' },
  mermaid: { ext: 'mmd', mediaType: 'text/vnd.mermaid' },
};

function queryName(slice: SliceResponse): string {
  const q = slice.query;
  const value = q.cve ?? q.purl ?? q.entrypoint ?? q.file ?? q.type;
  return (
    value
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || q.type
  );
}

/** The slice in `format`. */
export function exportSlice(slice: SliceResponse, format: ExportFormat): ExportFile {
  const text = format === 'json' ? toJson(slice) : format === 'dot' ? toDot(slice) : toMermaid(slice);
  const { ext, mediaType } = EXT[format];
  const digest = slice.graphDigest.replace(/^blake3:/, '').slice(0, 12);
  return { text, mediaType, fileName: `slice-${digest}-${queryName(slice)}.${ext}` };
}
