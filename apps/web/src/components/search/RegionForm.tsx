'use client';
import { useState } from 'react';
import type { Rect } from '../../lib/api';
import './RegionForm.css';

/** The keyboard way to set a region: four numbers in image pixels. */
export function RegionForm({
  crop,
  width,
  height,
  onCrop,
}: {
  crop: Rect | null;
  width?: number;
  height?: number;
  onCrop: (r: Rect) => void;
}) {
  const [values, setValues] = useState(() =>
    (crop ? [crop.x0, crop.y0, crop.x1, crop.y1] : [0, 0, width ?? 0, height ?? 0]).map(String),
  );
  const [problem, setProblem] = useState<string | null>(null);
  if (!width || !height) return null;
  const names = ['left (x0)', 'top (y0)', 'right (x1)', 'bottom (y1)'];
  return (
    <details className="region-form">
      <summary>Enter a region in pixels</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const [x0, y0, x1, y1] = values.map(Number) as [number, number, number, number];
          if (
            ![x0, y0, x1, y1].every(Number.isFinite) ||
            x1 <= x0 ||
            y1 <= y0 ||
            x0 < 0 ||
            y0 < 0 ||
            x1 > width ||
            y1 > height
          ) {
            setProblem(`the region must lie within 0,0 – ${width},${height} with x0 < x1 and y0 < y1`);
            return;
          }
          setProblem(null);
          onCrop({ x0, y0, x1, y1 });
        }}
      >
        {names.map((n, i) => (
          <label key={n}>
            {n}
            <input
              inputMode="numeric"
              value={values[i]}
              onChange={(e) => setValues(values.map((v, j) => (j === i ? e.currentTarget.value : v)))}
              size={5}
            />
          </label>
        ))}
        <button type="submit" className="button small">
          Search region
        </button>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </form>
    </details>
  );
}
