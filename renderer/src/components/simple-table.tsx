// A plain table of rows under column headings; every heading is marked as a column header so
// screen readers announce it with each cell.
import type { ReactNode } from 'react';

export function SimpleTable({
  columns,
  caption,
  className = 'simple-table',
  children,
}: {
  columns: ReactNode[];
  caption?: ReactNode;
  className?: string;
  /** The body rows (`<tr>` elements). */
  children: ReactNode;
}) {
  return (
    <table className={className}>
      {caption !== undefined ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
