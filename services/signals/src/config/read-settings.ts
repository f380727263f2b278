import { ConfigError } from './config-error.js';
import { SETTINGS, type Setting, settingName } from './settings.js';

/** A setting's value after env overrides and defaults, before semantic checks. */
export type RawValue = string | number | boolean | unknown[] | undefined;

type SettingPath = (typeof SETTINGS)[number]['path'];

function lookup(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function fromEnv(setting: Setting, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of setting.env) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') return raw;
  }
  return undefined;
}

function parse(setting: Setting, value: unknown, fromText: boolean): RawValue {
  const bad = (why: string) => new ConfigError(settingName(setting), why);
  switch (setting.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && !fromText) return String(value);
      throw bad('must be a string');
    case 'int': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        throw bad(`must be an integer, got ${String(value)}`);
      return n;
    }
    case 'bool': {
      if (typeof value === 'boolean') return value;
      const t = String(value).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      throw bad(`must be true or false, got ${String(value)}`);
    }
    case 'list': {
      let v = value;
      if (typeof v === 'string' && fromText) {
        try {
          v = JSON.parse(v) as unknown;
        } catch {
          throw bad('must be a JSON array');
        }
      }
      if (!Array.isArray(v)) throw bad('must be a list');
      return v;
    }
  }
}

/** Reads every setting: env var, else the YAML document, else the default. */
export class RawSettings {
  private readonly values = new Map<string, RawValue>();

  constructor(doc: unknown, env: NodeJS.ProcessEnv) {
    for (const setting of SETTINGS as readonly Setting[]) {
      const text = fromEnv(setting, env);
      const fileValue = lookup(doc, setting.path);
      let value: RawValue;
      if (text !== undefined) value = parse(setting, text, true);
      else if (fileValue !== undefined && fileValue !== null) value = parse(setting, fileValue, false);
      else value = setting.default;
      this.values.set(setting.path, value);
    }
  }

  private setting(path: SettingPath): Setting {
    return (SETTINGS as readonly Setting[]).find((s) => s.path === path) as Setting;
  }

  /** The error for a setting, naming its YAML path and env vars. */
  error(path: SettingPath, why: string): ConfigError {
    return new ConfigError(settingName(this.setting(path)), why);
  }

  str(path: SettingPath): string | undefined {
    return this.values.get(path) as string | undefined;
  }

  requiredStr(path: SettingPath): string {
    const v = this.str(path);
    if (v === undefined || v === '') throw this.error(path, 'is required');
    return v;
  }

  int(path: SettingPath, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.values.get(path) as number;
    if (v < min || v > max) throw this.error(path, `must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  bool(path: SettingPath): boolean {
    return this.values.get(path) as boolean;
  }

  list(path: SettingPath): Record<string, unknown>[] {
    const v = (this.values.get(path) as unknown[] | undefined) ?? [];
    return v.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw this.error(path, `item ${i} must be an object`);
      }
      return item as Record<string, unknown>;
    });
  }
}
