import { useState } from 'preact/hooks';
import { normalizeToken } from '../api/token.js';

interface Props {
  token: string | undefined;
  onChange: (token: string | undefined) => void;
  /** Opens the form (e.g. after a 401). */
  forceOpen?: boolean;
}

/** The bearer token: entered once, kept for the browser session, changeable and forgettable. */
export function TokenBar({ token, onChange, forceOpen }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const open = editing || forceOpen || !token;
  if (!open) {
    return (
      <section class="token-bar" aria-label="Access token">
        <span class="token-set">Token set for this session</span>
        <button type="button" class="link-button" onClick={() => setEditing(true)}>
          Change token
        </button>
        <button type="button" class="link-button" onClick={() => onChange(undefined)}>
          Forget token
        </button>
      </section>
    );
  }
  return (
    <form
      class="token-bar"
      aria-label="Access token"
      onSubmit={(e) => {
        e.preventDefault();
        const t = normalizeToken(draft);
        if (!t) return;
        onChange(t);
        setDraft('');
        setEditing(false);
      }}
    >
      <label for="token-input">Bearer token</label>
      <input
        id="token-input"
        type="password"
        autocomplete="off"
        spellcheck={false}
        placeholder="paste a token with reachgraph:read"
        value={draft}
        onInput={(e) => setDraft(e.currentTarget.value)}
        aria-describedby="token-help"
      />
      <button type="submit">Use token</button>
      {token && (
        <button type="button" class="link-button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      )}
      <span id="token-help" class="help">
        Kept in this tab's session storage only.
      </span>
    </form>
  );
}
