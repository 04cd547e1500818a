import './DropOverlay.css';

/** Shown while a file is dragged over the page: anywhere is a drop target. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <p>Drop the image anywhere to search with it</p>
    </div>
  );
}
