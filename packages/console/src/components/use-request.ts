import { useEffect, useState } from 'preact/hooks';
import { problemOf, type ShownProblem } from '../api/problem.js';

/** The state of one request. */
export type RequestState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; value: T }
  | { status: 'failed'; problem: ShownProblem };

/**
 * Runs `load` whenever `key` changes (undefined = nothing to load), aborting the previous request,
 * and tracks loading, the answer or the problem.
 */
export function useRequest<T>(
  key: string | undefined,
  load: (signal: AbortSignal) => Promise<T>,
): RequestState<T> {
  // Each state remembers the key it answers, so a render with a new key never shows the previous
  // key's answer (the effect below starts the new request only after that render).
  const [current, setCurrent] = useState<{ key: string | undefined; state: RequestState<T> }>({
    key,
    state: { status: key === undefined ? 'idle' : 'loading' },
  });
  // `key` names everything `load` depends on.
  useEffect(() => {
    if (key === undefined) {
      setCurrent({ key, state: { status: 'idle' } });
      return;
    }
    const ctl = new AbortController();
    setCurrent({ key, state: { status: 'loading' } });
    load(ctl.signal).then(
      (value) => {
        if (!ctl.signal.aborted) setCurrent({ key, state: { status: 'done', value } });
      },
      (err: unknown) => {
        if (!ctl.signal.aborted) setCurrent({ key, state: { status: 'failed', problem: problemOf(err) } });
      },
    );
    return () => ctl.abort();
  }, [key]);
  if (current.key === key) return current.state;
  return { status: key === undefined ? 'idle' : 'loading' };
}
