import { PassThrough } from 'node:stream';
import type { CliIo } from './cli-io.js';
import { Output } from './output.js';
import { progressBar } from './progress.js';

function fakeIo(opts: { stdoutTTY?: boolean; stderrTTY?: boolean; env?: Record<string, string> } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.stdoutTTY });
  const stderr = Object.assign(new PassThrough(), { isTTY: opts.stderrTTY, columns: 80 });
  const text = (s: PassThrough) => (s.read() as Buffer | null)?.toString('utf8') ?? '';
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr, env: opts.env ?? {} };
  return { io, out: () => text(stdout), err: () => text(stderr) };
}

describe('Output', () => {
  it('colours only on a TTY, and never with NO_COLOR or --json', () => {
    expect(new Output(fakeIo({ stdoutTTY: true }).io, false).colour).toBe(true);
    expect(new Output(fakeIo({ stdoutTTY: false }).io, false).colour).toBe(false);
    expect(new Output(fakeIo({ stdoutTTY: true, env: { NO_COLOR: '1' } }).io, false).colour).toBe(false);
    expect(new Output(fakeIo({ stdoutTTY: true }).io, true).colour).toBe(false);
    const tty = new Output(fakeIo({ stdoutTTY: true }).io, false);
    expect(tty.style('red', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(new Output(fakeIo().io, false).style('red', 'x')).toBe('x');
  });

  it('writes the machine document with --json and the human text otherwise', () => {
    const a = fakeIo();
    new Output(a.io, true).result({ a: 1 }, () => 'human');
    expect(a.out()).toBe('{"a":1}\n');
    const b = fakeIo();
    new Output(b.io, false).result({ a: 1 }, () => 'human');
    expect(b.out()).toBe('human\n');
  });
});

describe('progressBar', () => {
  it('draws on stderr when it is a TTY', () => {
    const { io, err } = fakeIo({ stderrTTY: true });
    const bar = progressBar(io, 'upload', 2 * 1024 * 1024, true);
    bar.add(1024 * 1024);
    bar.done();
    const drawn = err();
    expect(drawn).toContain('\rupload [');
    expect(drawn).toContain(' 50% 1.0 MiB/2.0 MiB');
    expect(drawn.endsWith('\n')).toBe(true);
  });

  it('draws nothing when stderr is not a TTY or progress is off', () => {
    const a = fakeIo({ stderrTTY: false });
    progressBar(a.io, 'upload', 10, true).done();
    expect(a.err()).toBe('');
    const b = fakeIo({ stderrTTY: true });
    progressBar(b.io, 'upload', 10, false).done();
    expect(b.err()).toBe('');
  });
});
