import { formatPercent, type Prediction } from '../lib/api';

export function Predictions({ predictions, label = 'Top classes' }: { predictions: Prediction[]; label?: string }) {
  if (predictions.length === 0) return null;
  return (
    <ol className="predictions" aria-label={label} data-testid="predictions">
      {predictions.map((p) => (
        <li key={p.classId} data-testid="prediction">
          <span className="prediction-label">{p.label}</span>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${Math.max(p.score * 100, 1)}%` }} />
          </span>
          <span className="prediction-score">{formatPercent(p.score)}</span>
        </li>
      ))}
    </ol>
  );
}
