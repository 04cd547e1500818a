'use client';
// The admin pages' tables: a scrolling wrapper, a header row of column names (an optional last column of row actions,
// named for screen readers only), one row per item, and an empty-state line instead of the table when there are none.
// The styles are the admin ones in admin.css (.table-wrap, table, th, td).
import type { ReactNode } from 'react';

export function AdminTable<T>({
  testId,
  columns,
  actions,
  rows,
  row,
  empty,
  children,
}: {
  testId?: string;
  columns: readonly ReactNode[];
  /** Adds a last header cell for the rows' action buttons. */
  actions?: boolean;
  rows: readonly T[];
  row: (item: T, index: number) => ReactNode;
  /** Shown instead of the table when `rows` is empty; without it an empty table is shown. */
  empty?: string;
  /** Rows after the items' (e.g. a totals row). */
  children?: ReactNode;
}) {
  if (empty !== undefined && rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
            {actions ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map(row)}
          {children}
        </tbody>
      </table>
    </div>
  );
}
