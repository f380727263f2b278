import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ShownProblem } from '../api/problem.js';

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
  const [state, setState] = useState<RequestState<T>>({ status: key === undefined ? 'idle' : 'loading' });
  // `key` names everything `load` depends on.
  useEffect(() => {
    if (key === undefined) {
      setState({ status: 'idle' });
      return;
    }
    const ctl = new AbortController();
    setState({ status: 'loading' });
    load(ctl.signal).then(
      (value) => {
        if (!ctl.signal.aborted) setState({ status: 'done', value });
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        const problem: ShownProblem =
          err instanceof ApiError
            ? err.problem
            : {
                status: 0,
                title: 'Something went wrong',
                detail: err instanceof Error ? err.message : String(err),
              };
        setState({ status: 'failed', problem });
      },
    );
    return () => ctl.abort();
  }, [key]);
  return state;
}
