import type { ComponentChildren } from 'preact';

interface Props {
  href: string;
  onNavigate: () => void;
  children: ComponentChildren;
  class?: string;
  'aria-label'?: string;
  'aria-current'?: 'page' | 'true';
}

/** A real link (open in a new tab, copy address) that navigates in place on a plain click. */
export function Link({ href, onNavigate, children, ...rest }: Props) {
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onNavigate();
      }}
    >
      {children}
    </a>
  );
}
