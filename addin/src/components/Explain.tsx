import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type { CSSProperties } from "react";
import { createPortal } from "react-dom";

export interface ExplainProps {
  /** what is explained, read by screen readers: "What is WAPE?" */
  term: string;
  text: string;
  testId?: string;
}

const MARGIN = 8;
const WIDTH = 280;

/**
 * A small "?" beside a score: its explanation shows on hover (and keyboard focus) and on tap,
 * in a bubble placed in the viewport (fixed, clamped to the window's edges, rendered in <body>),
 * so it reads at 320 px and is never cut by a scrolling table. Tap again, Escape or scrolling
 * closes it.
 */
export function Explain({ term, text, testId }: ExplainProps) {
  const id = useId();
  const [pinned, setPinned] = useState(false);
  const [hover, setHover] = useState(false);
  const [style, setStyle] = useState<CSSProperties>({});
  const button = useRef<HTMLButtonElement>(null);
  const open = pinned || hover;

  const place = useCallback(() => {
    const r = button.current?.getBoundingClientRect();
    if (!r || typeof window === "undefined") return;
    const width = Math.min(WIDTH, window.innerWidth - 2 * MARGIN);
    const left = Math.max(MARGIN, Math.min(r.left + r.width / 2 - width / 2, window.innerWidth - width - MARGIN));
    const below = r.bottom + 6;
    setStyle({ position: "fixed", left, top: below, width });
  }, []);

  useLayoutEffect(() => {
    if (open) place();
  }, [open, place]);

  useEffect(() => {
    if (!pinned) return;
    const close = () => setPinned(false);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close();
    const onDown = (e: PointerEvent) => !button.current?.parentElement?.contains(e.target as Node) && close();
    window.addEventListener("scroll", close, true);
    window.addEventListener("keydown", onKey);
    window.addEventListener("pointerdown", onDown);
    return () => {
      window.removeEventListener("scroll", close, true);
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("pointerdown", onDown);
    };
  }, [pinned]);

  return (
    <span className="explain" onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)}>
      <button
        ref={button}
        type="button"
        className="explain__button"
        aria-label={`What is ${term}?`}
        aria-expanded={open}
        aria-describedby={open ? id : undefined}
        data-testid={testId}
        onClick={() => {
          // a tap (or click) pins it open; the next one closes it, hover included
          if (pinned) setHover(false);
          setPinned(!pinned);
        }}
        onFocus={() => setHover(true)}
        onBlur={() => setHover(false)}
      >
        ?
      </button>
      {open &&
        // in <body>: a fixed bubble inside a container-query or transformed ancestor would be
        // placed relative to that ancestor, not the window
        createPortal(
          <span id={id} role="tooltip" className="explain__bubble" style={style} data-testid={testId ? `${testId}-text` : undefined}>
            <strong>{term}</strong> {text}
          </span>,
          document.body,
        )}
    </span>
  );
}
