'use client';

export function Stat({
  label,
  value,
  testId,
  wide,
}: {
  label: string;
  value: string;
  testId?: string;
  wide?: boolean;
}) {
  return (
    <div className={wide ? 'stat wide' : 'stat'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
