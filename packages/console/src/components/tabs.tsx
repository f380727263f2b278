import type { ComponentChildren } from 'preact';

export interface Tab<T extends string> {
  id: T;
  label: string;
  href: string;
}

interface Props<T extends string> {
  label: string;
  tabs: readonly Tab<T>[];
  active: T;
  onSelect: (id: T) => void;
  children: ComponentChildren;
}

/** ARIA tabs whose tabs are links (each view has its own URL); arrow keys, Home and End move between them. */
export function Tabs<T extends string>({ label, tabs, active, onSelect, children }: Props<T>) {
  const onKey = (e: KeyboardEvent, i: number) => {
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % tabs.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + tabs.length) % tabs.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? tabs.length - 1
              : -1;
    const tab = tabs[to];
    if (!tab) return;
    e.preventDefault();
    onSelect(tab.id);
    requestAnimationFrame(() => document.getElementById(`tab-${tab.id}`)?.focus());
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((t, i) => (
          <a
            key={t.id}
            id={`tab-${t.id}`}
            href={t.href}
            role="tab"
            aria-selected={t.id === active}
            aria-controls={`panel-${active}`}
            tabIndex={t.id === active ? 0 : -1}
            onClick={(e) => {
              if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
              e.preventDefault();
              onSelect(t.id);
            }}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
          </a>
        ))}
      </div>
      <div id={`panel-${active}`} role="tabpanel" aria-labelledby={`tab-${active}`} class="tab-panel">
        {children}
      </div>
    </div>
  );
}
