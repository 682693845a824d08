import { useCallback, useState } from 'react';

export interface ElementSize {
  width: number;
  height: number;
}

/** Measures an element's size as it changes (the legend wraps onto more rows as series are added). */
export function useElementSize(): [(element: HTMLElement | null) => void, ElementSize] {
  const [size, setSize] = useState<ElementSize>({ width: 0, height: 0 });
  const ref = useCallback((element: HTMLElement | null) => {
    if (!element) return;
    const { width, height } = element.getBoundingClientRect();
    setSize({ width, height });
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const box = entry.borderBoxSize?.[0];
      setSize({
        width: box?.inlineSize ?? entry.contentRect.width,
        height: box?.blockSize ?? entry.contentRect.height,
      });
    });
    observer.observe(element);
  }, []);
  return [ref, size];
}
