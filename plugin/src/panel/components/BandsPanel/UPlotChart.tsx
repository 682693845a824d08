import React, { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';

interface Props {
  opts: Options;
  data: AlignedData;
  testId?: string;
  /**
   * Reports the cursor: the index into the x values (or null when it leaves), its position in px,
   * and the x value (time) at a position in px.
   */
  onCursor?: (idx: number | null, left: number, top: number, timeAt: (left: number) => number) => void;
  className?: string;
}

/** One uPlot instance, rebuilt when its options or data change (callers memoise both). */
export function UPlotChart({ opts, data, testId, onCursor, className }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const cursorCallback = useRef(onCursor);
  cursorCallback.current = onCursor;

  useEffect(() => {
    if (!container.current) return;
    const withCursor: Options = {
      ...opts,
      hooks: {
        ...opts.hooks,
        setCursor: [
          ...(opts.hooks?.setCursor ?? []),
          (u) =>
            cursorCallback.current?.(u.cursor.idx ?? null, u.cursor.left ?? -1, u.cursor.top ?? -1, (left) =>
              u.posToVal(left, 'x'),
            ),
        ],
      },
    };
    plot.current = new uPlot(withCursor, data, container.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [opts, data]);

  return <div ref={container} data-testid={testId} className={className} />;
}
