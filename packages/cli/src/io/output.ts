import type { CliIo } from './cli-io.js';

/** The styles human output uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

const ANSI: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
};

/** Writes results: JSON for machines (`--json`), text for people (coloured only on a TTY). */
export class Output {
  /** True when results are JSON. */
  readonly json: boolean;
  /** True when text may carry ANSI colours (stdout is a TTY, `NO_COLOR` unset, not `--json`). */
  readonly colour: boolean;

  constructor(
    readonly io: CliIo,
    json: boolean,
  ) {
    this.json = json;
    const noColour = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
    this.colour = !json && io.stdout.isTTY === true && !noColour && io.env['TERM'] !== 'dumb';
  }

  /** `text` in `style` when colour is on. */
  style(style: Style, text: string): string {
    if (!this.colour) return text;
    const [on, off] = ANSI[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /** Writes the result: `machine` as one JSON document with `--json`, else the `human` text. */
  result(machine: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(machine)}\n`);
    else {
      const text = human();
      this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    }
  }

  /** Writes raw bytes to stdout. */
  raw(data: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.io.stdout.write(data, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** A note for people on stderr (never with `--json`). */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }
}
