import { useEffect, useMemo, useRef, useState } from 'react'
import type { ClaimInterval } from '../lib/swimlanes.js'
import { formatClock, formatDuration } from '../lib/time.js'

interface Props {
  readonly intervals: readonly ClaimInterval[]
  readonly from: number
  readonly to: number
  readonly nameOf: (id: string) => string
}

const LANE_H = 34
const AXIS_H = 26
const BAR_H = 20

export function describeClaim(c: ClaimInterval, nameOf: (id: string) => string, now: number): string {
  const end = c.end ?? now
  const how =
    c.endKind === 'open'
      ? 'still open'
      : c.endKind === 'transitioned'
        ? `moved to ${c.endStatus ?? '?'}`
        : c.endKind === 'lease_expired'
          ? 'lease expired'
          : c.endKind === 'superseded'
            ? 'claimed again'
            : 'released'
  return `${nameOf(c.actor)} held ${c.label} (${c.table}/${c.rowId}) from ${formatClock(c.start)} for ${formatDuration(end - c.start)}, ${how}`
}

/** An SVG timeline: one lane per agent, one bar per claim, coloured by how it ended. */
export function SwimlaneChart({ intervals, from, to, nameOf }: Props) {
  const wrap = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(800)
  useEffect(() => {
    const el = wrap.current
    if (!el) return
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(280, Math.floor(entry.contentRect.width)))
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const lanes = useMemo(() => {
    const actors = [...new Set(intervals.map((c) => c.actor))]
    return actors.map((a) => ({ actor: a, name: nameOf(a) })).sort((x, y) => x.name.localeCompare(y.name))
  }, [intervals, nameOf])

  const labelW = width < 500 ? 90 : 150
  const plotW = width - labelW - 12
  const span = Math.max(1, to - from)
  const x = (t: number) => labelW + ((Math.max(from, Math.min(to, t)) - from) / span) * plotW
  const height = AXIS_H + lanes.length * LANE_H + 4
  const tickCount = width < 500 ? 3 : 6
  const ticks: number[] = Array.from({ length: tickCount }, (_, i) => from + (span * i) / (tickCount - 1))

  return (
    <div className="swimlane-chart" ref={wrap}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`Claims per agent from ${formatClock(from)} to ${formatClock(to)}; the table below lists them`}
        data-testid="swimlanes-svg"
      >
        <g className="axis">
          {ticks.map((t, i) => (
            <g key={i}>
              <line x1={x(t)} x2={x(t)} y1={AXIS_H - 6} y2={height} />
              <text x={x(t)} y={AXIS_H - 10} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}>
                {formatClock(t, span < 20_000)}
              </text>
            </g>
          ))}
        </g>
        {lanes.map((lane, i) => {
          const y = AXIS_H + i * LANE_H
          return (
            <g key={lane.actor} className="lane" data-actor={lane.name}>
              <rect className="lane-bg" x={0} y={y} width={width} height={LANE_H} />
              <text className="lane-label" x={6} y={y + LANE_H / 2 + 4}>
                {lane.name.length > labelW / 8 ? `${lane.name.slice(0, Math.floor(labelW / 8) - 1)}…` : lane.name}
              </text>
              {intervals
                .filter((c) => c.actor === lane.actor)
                .map((c) => {
                  const x0 = x(c.start)
                  const w = Math.max(3, x(c.end ?? to) - x0)
                  const chars = Math.floor((w - 8) / 6.5)
                  return (
                    <g key={`${c.table}/${c.rowId}@${c.startRevision}`}>
                      <rect
                        className={`bar bar-${c.endKind}`}
                        x={x0}
                        y={y + (LANE_H - BAR_H) / 2}
                        width={w}
                        height={BAR_H}
                        rx={3}
                      >
                        <title>{describeClaim(c, nameOf, to)}</title>
                      </rect>
                      {chars >= 4 && (
                        <text className="bar-label" x={x0 + 4} y={y + LANE_H / 2 + 4} aria-hidden="true">
                          {c.label.length > chars ? `${c.label.slice(0, chars - 1)}…` : c.label}
                        </text>
                      )}
                    </g>
                  )
                })}
            </g>
          )
        })}
      </svg>
      <ul className="legend" aria-label="Legend">
        <li>
          <span className="swatch bar-open" aria-hidden="true" /> open
        </li>
        <li>
          <span className="swatch bar-transitioned" aria-hidden="true" /> moved on
        </li>
        <li>
          <span className="swatch bar-released" aria-hidden="true" /> released
        </li>
        <li>
          <span className="swatch bar-lease_expired" aria-hidden="true" /> lease expired
        </li>
      </ul>
    </div>
  )
}
