import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/** A file a setting names (a key, a PEM); a ConfigError naming the setting when unreadable. */
export function readText(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(setting, `cannot read ${file}: ${(err as Error).message}`);
  }
}
