import { useMemo, useState } from 'preact/hooks';
import { exportSlice } from '../export/index.js';
import type { SliceResponse } from '../model/types.js';
import { EXPORT_FORMATS, type ExportFormat } from '../routing/route.js';
import { download } from './download.js';

const NAMES: Record<ExportFormat, string> = { json: 'JSON', dot: 'DOT', mermaid: 'Mermaid' };
const PREVIEW_CHARS = 200_000;

interface Props {
  slice: SliceResponse;
  format: ExportFormat;
  onFormat: (format: ExportFormat) => void;
}

/** The slice as JSON, DOT or Mermaid: a preview, a download and a copy button. */
export function ExportPanel({ slice, format, onFormat }: Props) {
  const file = useMemo(() => exportSlice(slice, format), [slice, format]);
  const [copied, setCopied] = useState<string | undefined>();
  return (
    <section class="export" aria-labelledby="export-heading">
      <h2 id="export-heading" class="visually-hidden">
        Export
      </h2>
      <fieldset class="radios">
        <legend>Format</legend>
        {EXPORT_FORMATS.map((f) => (
          <label key={f}>
            <input
              type="radio"
              name="export-format"
              value={f}
              checked={f === format}
              onChange={() => onFormat(f)}
            />
            {NAMES[f]}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="button" onClick={() => download(file.text, file.mediaType, file.fileName)}>
          Download {NAMES[format]}
        </button>
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(file.text).then(
              () => setCopied('Copied.'),
              () => setCopied('Copying is not allowed here; select the text below.'),
            )
          }
        >
          Copy {NAMES[format]}
        </button>
        <span class="help mono">{file.fileName}</span>
        <span role="status" class="help">
          {copied}
        </span>
      </div>
      <label for="export-text" class="visually-hidden">
        {NAMES[format]} export
      </label>
      <textarea
        id="export-text"
        class="export-preview"
        readOnly
        spellcheck={false}
        wrap="off"
        rows={24}
        value={file.text.length > PREVIEW_CHARS ? `${file.text.slice(0, PREVIEW_CHARS)}\n…` : file.text}
      />
    </section>
  );
}
