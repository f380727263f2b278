/**
 * `.dockerignore` matching as the Docker builder does it (Go `filepath.Match` per pattern plus
 * `**` for any number of directories; a matched directory excludes everything below it; later
 * `!` patterns re-include).
 */
export class DockerIgnore {
  private readonly rules: { negate: boolean; re: RegExp }[];

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const negate = l.startsWith('!');
        const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
        return { negate, re: new RegExp(`^${globToRegex(pattern)}(/.*)?$`) };
      });
  }

  /** True when the build context leaves `path` (relative to the context root) out. */
  ignores(path: string): boolean {
    let ignored = false;
    for (const rule of this.rules) if (rule.re.test(path)) ignored = !rule.negate;
    return ignored;
  }
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
