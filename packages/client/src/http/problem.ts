import type { Problem } from '@stella-ops/core';

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['status'] === 'number';
}

/**
 * The problem an error answer carries: its problem+json body when it has one, else one made up
 * from the status (`code` = `HTTP_<status>`), so every failure has a code to switch on.
 */
export function problemFrom(status: number, statusText: string, text: string): Problem {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isProblem(parsed)) return { ...parsed, status };
  } catch {
    // not JSON: fall through
  }
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    code: `HTTP_${status}`,
    ...(text.trim() !== '' ? { detail: text.trim().slice(0, 500) } : {}),
  };
}
