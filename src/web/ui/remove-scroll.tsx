/**
 * Stands in for `react-remove-scroll` (aliased in vite.config.ts), which Radix's modal dialogs,
 * menus and popovers use to stop the page scrolling behind them. The original injects a <style>
 * element, which the app's Content-Security-Policy (`style-src 'self'`) refuses — a violation in
 * every browser. This one locks scrolling through the CSSOM, which CSP allows: `overflow: hidden`
 * on <html> while any such layer is open.
 */
import { forwardRef, useEffect, type ElementType, type ReactNode } from 'react';

let locks = 0;
let before = '';

function lock(): void {
  const root = document.documentElement;
  if (locks === 0) {
    before = root.style.overflow;
    root.style.overflow = 'hidden';
  }
  locks += 1;
}

function unlock(): void {
  locks -= 1;
  if (locks === 0) document.documentElement.style.overflow = before;
}

/** Options of the original that only its own scroll blocking reads. */
const ORIGINAL_ONLY = [
  'shards',
  'allowPinchZoom',
  'noIsolation',
  'inert',
  'removeScrollBar',
  'noRelative',
  'gapMode',
  'forwardProps',
  'lockRef',
  'sideCar',
  'onScrollCapture',
  'onWheelCapture',
  'onTouchMoveCapture',
] as const;

interface Props {
  children?: ReactNode;
  as?: ElementType;
  enabled?: boolean;
  [option: string]: unknown;
}

export const RemoveScroll = forwardRef<HTMLElement, Props>(function RemoveScroll(props, ref) {
  const { children, as, enabled = true, ...rest } = props;
  const Component = (as ?? 'div') as ElementType;
  for (const option of ORIGINAL_ONLY) delete rest[option];
  useEffect(() => {
    if (!enabled) return undefined;
    lock();
    return unlock;
  }, [enabled]);
  return (
    <Component ref={ref} {...rest}>
      {children}
    </Component>
  );
});
