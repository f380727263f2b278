import picomatch from 'picomatch';
import { fail } from '../error.js';

/**
 * A matcher for a file glob (picomatch syntax: `*`, `**`, `?`, braces, classes, extglobs; dotfiles
 * match like any other file). An empty or invalid glob is QUERY_INVALID.
 */
export function fileGlob(glob: string): (file: string) => boolean {
  try {
    const re = picomatch.makeRe(glob, { dot: true, strictBrackets: true });
    return (file: string) => re.test(file);
  } catch (cause) {
    fail('QUERY_INVALID', `invalid file glob ${JSON.stringify(glob)}`, cause);
  }
}
