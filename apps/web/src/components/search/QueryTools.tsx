'use client';
import type { Rect } from '../../lib/api';
import './QueryTools.css';

interface Props {
  heatmapOn: boolean;
  heatmapAvailable: boolean;
  heatmapBusy: boolean;
  onHeatmap: (on: boolean) => void;
  /** "ImageNet heatmap" when a catalog head's classes are shown too. */
  heatmapTitle: string;
  crop: Rect | null;
  onClearCrop: () => void;
  regionMode: boolean;
  onRegionMode: (on: boolean) => void;
}

/** The switches under the query image: the heatmap, the searched region, and drawing a region by touch. */
export function QueryTools(p: Props) {
  return (
    <div className="query-tools">
      <label className="switch">
        <input
          type="checkbox"
          checked={p.heatmapOn}
          disabled={!p.heatmapAvailable}
          onChange={(e) => p.onHeatmap(e.currentTarget.checked)}
          data-testid="heatmap-toggle"
        />
        <span>
          {p.heatmapTitle}
          {p.heatmapBusy ? ' (loading…)' : ''}
        </span>
      </label>
      {!p.heatmapAvailable ? (
        <span className="hint">The heatmap is computed on the server: switch to server mode to see it.</span>
      ) : null}
      {p.crop ? (
        <span className="crop-info" data-testid="crop-info">
          Region {p.crop.x0},{p.crop.y0} – {p.crop.x1},{p.crop.y1}
          <button type="button" className="button small" onClick={p.onClearCrop}>
            Search whole image
          </button>
        </span>
      ) : (
        <span className="hint">Drag on the image to search a region.</span>
      )}
      <button
        type="button"
        className="button small touch-only"
        aria-pressed={p.regionMode}
        onClick={() => p.onRegionMode(!p.regionMode)}
        title="On touch screens: turn on, then drag a finger over the image"
      >
        {p.regionMode ? 'Drawing a region…' : 'Select region'}
      </button>
    </div>
  );
}
