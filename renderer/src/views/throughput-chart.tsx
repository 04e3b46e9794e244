// A small bar chart of deliveries per bucket, drawn as SVG so it needs no chart library and
// follows the theme's colours. A table with the same numbers is there for screen readers.
import type { Dashboard } from '../../../shared/contract.js';
import { SimpleTable } from '../components/simple-table.js';

export interface ThroughputChartProps {
  buckets: Dashboard['throughputHour'];
  title: string;
  labelFor(at: string): string;
}

export function ThroughputChart({ buckets, title, labelFor }: ThroughputChartProps) {
  const width = 480;
  const height = 140;
  const pad = 20;
  const max = Math.max(1, ...buckets.map((b) => b.done + b.failed));
  const barWidth = buckets.length > 0 ? (width - pad) / buckets.length : 0;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height + pad}`}
        role="img"
        aria-label={`${title}: bars of delivered and failed calls`}
      >
        <line x1={pad} x2={width} y1={height} y2={height} className="chart-axis" />
        <text x={0} y={12} className="chart-label">
          {max}
        </text>
        {buckets.map((bucket, i) => {
          const x = pad + i * barWidth + 1;
          const doneH = (bucket.done / max) * (height - pad);
          const failedH = (bucket.failed / max) * (height - pad);
          return (
            <g key={bucket.at}>
              <rect x={x} width={Math.max(1, barWidth - 2)} y={height - doneH} height={doneH} className="bar-done" />
              <rect
                x={x}
                width={Math.max(1, barWidth - 2)}
                y={height - doneH - failedH}
                height={failedH}
                className="bar-failed"
              />
              {i % Math.ceil(buckets.length / 6) === 0 ? (
                <text x={x} y={height + 14} className="chart-label">
                  {labelFor(bucket.at)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {title} <span className="legend legend-done">delivered</span>{' '}
        <span className="legend legend-failed">failed</span>
      </figcaption>
      <SimpleTable columns={['From', 'Delivered', 'Failed']} className="visually-hidden" caption={title}>
        {buckets.map((b) => (
          <tr key={b.at}>
            <td>{labelFor(b.at)}</td>
            <td>{b.done}</td>
            <td>{b.failed}</td>
          </tr>
        ))}
      </SimpleTable>
    </figure>
  );
}
