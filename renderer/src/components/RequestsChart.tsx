import type { StatsView } from '../lib/api';

const WIDTH = 600;
const HEIGHT = 140;
const GAP = 2;

/**
 * Requests per minute over the last hour as hand-written SVG bars. Decision: plain SVG rather than a chart
 * library, because 60 bars need no library, SVG carries an accessible name and per-bar <title>s, and it draws
 * through the DOM, so it passes the window's CSP (no inline <style>, no canvas-to-data tricks, no extra bundle).
 * Errors are stacked on top of each bar in the error colour; the axis scale follows the busiest minute.
 */
export function RequestsChart({ perMinute }: { perMinute: StatsView['perMinute'] }) {
  const peak = Math.max(1, ...perMinute.map((m) => m.requests));
  const total = perMinute.reduce((sum, m) => sum + m.requests, 0);
  // The minutes the data covers, not how many entries it has: a live report can add a minute past a gap.
  const first = perMinute[0]?.minute ?? 0;
  const span = perMinute.length ? ((perMinute.at(-1)?.minute ?? first) - first) / 60_000 + 1 : 0;
  const barWidth = WIDTH / Math.max(1, span);
  const scale = (n: number): number => (n / peak) * (HEIGHT - 16);
  const most = peak === 1 && total === 0 ? 0 : peak;
  const summary = `Requests per minute over the last ${span} minutes: ${total} in all, at most ${most} in one minute.`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
        className="chart-svg"
      >
        <title>{summary}</title>
        <line x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart-axis" />
        <line x1="0" x2={WIDTH} y1={HEIGHT - scale(peak)} y2={HEIGHT - scale(peak)} className="chart-grid" />
        {perMinute.map((m) => {
          const ok = m.requests - m.errors;
          const x = ((m.minute - first) / 60_000) * barWidth + GAP / 2;
          const w = Math.max(1, barWidth - GAP);
          const time = new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
          const failed = m.errors ? `, ${m.errors} failed` : '';
          const label = `${time}: ${m.requests} request${m.requests === 1 ? '' : 's'}${failed}`;
          return (
            <g key={m.minute}>
              <title>{label}</title>
              {/* A faint full-height hit area so every minute has a tooltip, even an empty one. */}
              <rect x={x} y={0} width={w} height={HEIGHT} className="chart-hit" />
              {ok > 0 ? (
                <rect x={x} y={HEIGHT - scale(ok)} width={w} height={scale(ok)} rx={1.5} className="chart-bar" />
              ) : null}
              {m.errors > 0 ? (
                <rect
                  x={x}
                  y={HEIGHT - scale(m.requests)}
                  width={w}
                  height={scale(m.errors)}
                  rx={1.5}
                  className="chart-bar-error"
                />
              ) : null}
            </g>
          );
        })}
      </svg>
      {/* An empty hour drew only an axis and a dashed line, which reads as a chart that failed to load. */}
      {total === 0 ? (
        <p className="chart-empty" aria-hidden="true">
          No requests in the last {span === 60 ? 'hour' : `${span} minutes`}
        </p>
      ) : null}
      <figcaption className="chart-caption">
        <span>{span} min ago</span>
        <span>peak {most}/min</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
