import { ApiError, errorMessage, errorTitle } from '../lib/api';

/** A failure shown where it happened: what kind of problem (title), the server's own message, and its code. */
export function ErrorNotice({
  error,
  onDismiss,
  context,
}: {
  error: unknown;
  onDismiss?: () => void;
  context?: string;
}) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="notice error" role="alert" data-testid="error" data-code={code}>
      <div>
        <strong>{errorTitle(error)}</strong>
        {context ? <span className="muted"> — {context}</span> : null}
        <p>{capitalize(errorMessage(error))}</p>
        {code && !code.startsWith('HTTP_') && code !== 'NETWORK' ? <p className="muted small">code {code}</p> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="button small ghost" onClick={onDismiss} aria-label="Dismiss this message">
          ✕
        </button>
      ) : null}
    </div>
  );
}

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
