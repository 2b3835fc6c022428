import { Fragment } from "react";

/**
 * A UPN or address that may wrap before its "@" and after a dot where a column is narrow —
 * "alice" / "@contoso.example" rather than a cut or a break mid-word. A <wbr> adds no text, so
 * what is read and copied stays the same.
 */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?=@)|(?<=\.)/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}
