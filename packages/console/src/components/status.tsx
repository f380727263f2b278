import type { ComponentChildren } from 'preact';
import type { ShownProblem } from '../api/problem.js';

/** A polite live region while something loads. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="status loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      Loading {what}…
    </p>
  );
}

/** Nothing to show, and why. */
export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <div class="status empty" role="status">
      {children}
    </div>
  );
}

/** A failed request: the problem's title, detail and stable code, announced as an alert. */
export function ProblemBox({ problem, hint }: { problem: ShownProblem; hint?: ComponentChildren }) {
  return (
    <div class="status problem" role="alert">
      <p class="problem-title">
        <strong>{problem.title}</strong>
        {problem.status > 0 && <span class="problem-status"> (HTTP {problem.status})</span>}
      </p>
      {problem.detail && <p class="problem-detail">{problem.detail}</p>}
      {problem.code && (
        <p class="problem-code">
          Code: <code>{problem.code}</code>
        </p>
      )}
      {hint && <p class="problem-hint">{hint}</p>}
    </div>
  );
}

/** A failed API request; a 401 or 403 offers to enter another token. */
export function RequestProblem({
  problem,
  onRequestToken,
}: {
  problem: ShownProblem;
  onRequestToken: () => void;
}) {
  const auth = problem.status === 401 || problem.status === 403;
  return (
    <ProblemBox
      problem={problem}
      hint={
        auth ? (
          <>
            {problem.status === 401
              ? 'The service did not accept the token. '
              : 'The token lacks a scope this needs. '}
            <button type="button" class="link-button" onClick={onRequestToken}>
              Enter a token
            </button>
          </>
        ) : undefined
      }
    />
  );
}
