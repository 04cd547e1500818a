import type { Produced } from './types';

/** How the results were produced: on the server, in this browser, or from an item's stored vector. */
export function ModeBadge({ produced }: { produced: Produced }) {
  const text =
    produced.by === 'browser'
      ? `Computed in your browser (${produced.detail ?? 'WebAssembly'}); only the vector was sent`
      : produced.by === 'server'
        ? 'Computed on the server'
        : 'More like this (the item’s stored vector)';
  return (
    <span className={`badge mode-${produced.by}`} data-testid="mode-badge" data-mode={produced.by}>
      {text}
      {produced.ms !== undefined ? <span className="muted"> · {produced.ms} ms</span> : null}
    </span>
  );
}
