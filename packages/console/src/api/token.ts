import { useCallback, useState } from 'preact/hooks';

const KEY = 'stella-reach.console.token';

function read(): string | undefined {
  try {
    return window.sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** A token as typed or pasted: trimmed, without a leading `Bearer `. */
export function normalizeToken(raw: string): string {
  return raw.trim().replace(/^bearer\s+/i, '');
}

/**
 * The bearer token, kept in sessionStorage: entered once per browser session (tab), gone when it
 * closes, never written to localStorage or a cookie.
 */
export function useToken(): [string | undefined, (token: string | undefined) => void] {
  const [token, setToken] = useState<string | undefined>(read);
  const update = useCallback((next: string | undefined) => {
    try {
      if (next) window.sessionStorage.setItem(KEY, next);
      else window.sessionStorage.removeItem(KEY);
    } catch {
      // storage disabled: the token lives in memory only
    }
    setToken(next);
  }, []);
  return [token, update];
}
