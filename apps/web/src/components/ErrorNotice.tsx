import { ApiError, errorAdvice, errorMessage, errorTitle } from '../lib/api';
import './ErrorNotice.css';

/**
 * A failure shown where it happened: what kind of problem (title), what it means in plain words, and — folded
 * underneath — the server's own message and error code for whoever needs the detail.
 */
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
  const advice = errorAdvice(error);
  const detail = capitalize(errorMessage(error));
  const showCode = code && !code.startsWith('HTTP_') && code !== 'NETWORK';
  return (
    <div className="notice error" role="alert" data-testid="error" data-code={code}>
      <div>
        <strong>{errorTitle(error)}</strong>
        {context ? <span className="muted"> — {context}</span> : null}
        <p>{advice ?? detail}</p>
        {advice || showCode ? (
          <details className="error-detail">
            <summary>Details</summary>
            {advice ? <p data-testid="error-detail">{detail}</p> : null}
            {showCode ? <p className="muted small">code {code}</p> : null}
          </details>
        ) : null}
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
