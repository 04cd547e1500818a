'use client';
import { HEAD_BOX_COLOR } from '../AnnotatedImage';
import type { ShownBoxes } from './useOverlays';
import './BoxLegend.css';

/** What the boxes on the query image are, each a switch: the ImageNet box(es) and the catalog head's box. */
export function BoxLegend({
  shown,
  onChange,
  imagenetCount,
  headTitle,
}: {
  shown: ShownBoxes;
  onChange: (shown: ShownBoxes) => void;
  imagenetCount: number;
  headTitle: string;
}) {
  return (
    <div className="box-legend" role="group" aria-label="Boxes on the image" data-testid="box-legend">
      {imagenetCount > 0 ? (
        <label className="switch">
          <input
            type="checkbox"
            checked={shown.imagenet}
            onChange={(e) => onChange({ ...shown, imagenet: e.currentTarget.checked })}
            data-testid="box-toggle-imagenet"
          />
          <svg className="swatch" viewBox="0 0 28 12" aria-hidden="true">
            <rect x="2" y="2" width="24" height="8" fill="none" stroke="#ff3d71" strokeWidth="2.5" />
          </svg>
          <span>ImageNet {imagenetCount === 1 ? 'box' : 'boxes'}</span>
        </label>
      ) : null}
      <label className="switch">
        <input
          type="checkbox"
          checked={shown.head}
          onChange={(e) => onChange({ ...shown, head: e.currentTarget.checked })}
          data-testid="box-toggle-head"
        />
        <svg className="swatch" viewBox="0 0 28 12" aria-hidden="true">
          <rect x="2" y="2" width="24" height="8" fill="none" stroke="#000" strokeOpacity="0.55" strokeWidth="4" />
          <rect
            x="2"
            y="2"
            width="24"
            height="8"
            fill="none"
            stroke={HEAD_BOX_COLOR}
            strokeWidth="2.5"
            strokeDasharray="5 3"
          />
        </svg>
        <span>{headTitle} box</span>
      </label>
    </div>
  );
}
