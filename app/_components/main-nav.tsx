"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

export interface NavItem {
  href: string;
  label: string;
  /** Link prefetching (off for pages that are costly to render, such as the audit log). */
  prefetch?: boolean;
}

/** "page" on the link of the page shown, "true" on the link of the section a deeper page belongs to. */
function currentOf(pathname: string, href: string): "page" | "true" | undefined {
  if (pathname === href) return "page";
  return pathname.startsWith(`${href}/`) ? "true" : undefined;
}

/** A link of the app's header that says whether it leads to the page (or the section) shown. */
export function NavLink({ item, className }: { item: NavItem; className?: string }) {
  const pathname = usePathname();
  return (
    <Link className={className} href={item.href} prefetch={item.prefetch} aria-current={currentOf(pathname, item.href)}>
      {item.label}
    </Link>
  );
}

/**
 * Links folded under one button of the header, for windows too narrow to show them in the line
 * (a tablet): a disclosure (details), so it opens without JavaScript too; it closes on Escape, a
 * click elsewhere, and when the page changes.
 */
export function NavMenu({ label, items, className }: { label: string; items: NavItem[]; className?: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  const current = items.some((i) => currentOf(pathname, i.href));

  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);

  useEffect(() => {
    const onPointer = (e: PointerEvent) => {
      const details = ref.current;
      if (details?.open && !details.contains(e.target as Node)) details.open = false;
    };
    const onKey = (e: KeyboardEvent) => {
      const details = ref.current;
      if (e.key !== "Escape" || !details?.open) return;
      details.open = false;
      details.querySelector("summary")?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, []);

  return (
    <details ref={ref} className={`nav-menu${className ? ` ${className}` : ""}`}>
      <summary aria-current={current ? "true" : undefined}>{label}</summary>
      <ul>
        {items.map((item) => (
          <li key={item.href}>
            <NavLink item={item} />
          </li>
        ))}
      </ul>
    </details>
  );
}
