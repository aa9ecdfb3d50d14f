import type { BadgeView } from '../format/describe.js';

/** A small coloured label with a tooltip (title) and the tooltip as its accessible description. */
export function Badge({ view, className }: { readonly view: BadgeView; readonly className?: string }) {
  return (
    <span className={`badge tone-${view.tone}${className ? ` ${className}` : ''}`} title={view.tooltip}>
      {view.label}
    </span>
  );
}
