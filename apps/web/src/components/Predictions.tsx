import { formatPercent, type Prediction } from '../lib/api';

interface Props {
  predictions: Prediction[];
  label?: string;
  /** Test ids of the list and of each row (a catalog head's list is told apart from the ImageNet one). */
  testId?: string;
  itemTestId?: string;
  className?: string;
}

export function Predictions({
  predictions,
  label = 'Top classes',
  testId = 'predictions',
  itemTestId = 'prediction',
  className,
}: Props) {
  if (predictions.length === 0) return null;
  return (
    <ol className={className ? `predictions ${className}` : 'predictions'} aria-label={label} data-testid={testId}>
      {predictions.map((p) => (
        <li key={p.classId} data-testid={itemTestId}>
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
