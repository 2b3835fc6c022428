import type { ReactNode } from "react";

export type MethodType = "Password" | "Hardware token" | "Authenticator app" | "Passkey" | "Temporary Access Pass" | "Email";

// Drawn here (24×24, stroked in the text colour) rather than font glyphs, which show as empty
// boxes where the font lacks them.
const SHAPES: Record<MethodType, ReactNode> = {
  // a masked password field
  Password: (
    <>
      <rect x="2" y="6" width="20" height="12" rx="2" />
      <circle cx="7" cy="12" r="1" fill="currentColor" />
      <circle cx="12" cy="12" r="1" fill="currentColor" />
      <circle cx="17" cy="12" r="1" fill="currentColor" />
    </>
  ),
  // a key fob: ring, body and the display that shows the code
  "Hardware token": (
    <>
      <circle cx="12" cy="4" r="2" />
      <rect x="5" y="6" width="14" height="16" rx="3" />
      <rect x="8" y="10" width="8" height="4" rx="0.5" />
      <path d="M12 17.5v.5" />
    </>
  ),
  // a phone with a code on its screen
  "Authenticator app": (
    <>
      <rect x="6" y="2" width="12" height="20" rx="2" />
      <path d="M9 9h6M9 12h6M11 18h2" />
    </>
  ),
  // a key: the passkey
  Passkey: (
    <>
      <circle cx="8" cy="12" r="4" />
      <path d="M12 12h10M18 12v3M21 12v2" />
    </>
  ),
  // a clock: a pass that runs out
  "Temporary Access Pass": (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </>
  ),
  // an envelope
  Email: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M3 7l9 6 9-6" />
    </>
  ),
};

/** A small decorative icon per kind of method; the text next to it names the method. */
export function MethodIcon({ type, className = "h-5 w-5" }: { type: string; className?: string }) {
  const shape = SHAPES[type as MethodType];
  if (!shape) return null;
  return (
    <svg aria-hidden="true" focusable="false" data-method-icon={type} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" strokeLinejoin="round" className={`shrink-0 text-slate-600 ${className}`}>
      {shape}
    </svg>
  );
}
