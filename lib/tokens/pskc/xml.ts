// A deliberately small, strict XML reader for PSKC files. Node has no XML parser built in, and the
// general-purpose ones carry DTD and entity machinery that PSKC never needs. Here there is none:
// any DOCTYPE or ENTITY declaration, and any entity other than the five predefined ones and
// numeric character references, refuses the document (S1: no XXE, no billion laughs).

export type XmlElement = {
  /** Qualified name as written, e.g. `xenc:CipherValue`. */
  name: string;
  local: string;
  /** Namespace URI after resolving prefixes, or null when the element is in no namespace. */
  namespace: string | null;
  /** Attributes by qualified name as written (xmlns declarations included). */
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), children's text excluded. */
  text: string;
  line: number;
};

export type XmlErrorKind = "doctype" | "encoding" | "truncated" | "malformed";

export class XmlError extends Error {
  constructor(
    readonly kind: XmlErrorKind,
    message: string,
    readonly line: number,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = "XmlError";
  }
}

const MAX_DEPTH = 64;
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const PREDEFINED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const NAME_START = "A-Za-z_\\u00C0-\\uFFFF";
const NAME_CHAR = `${NAME_START}0-9.\\-\\u00B7`;
const NAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*(?::[${NAME_START}][${NAME_CHAR}]*)?`, "y");

export function parseXml(text: string): XmlElement {
  // Refused wherever it appears, before any parsing: a declaration is never needed for PSKC.
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) {
    throw new XmlError("doctype", `the document contains a <!${declaration[1]} declaration`, lineOf(text, declaration.index));
  }
  const badChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(text);
  if (badChar) throw new XmlError("malformed", "the document contains a control character XML forbids", lineOf(text, badChar.index));
  return new Reader(text).document();
}

type Scope = Map<string, string | null>;
type Open = { element: XmlElement; scope: Scope };

class Reader {
  private pos = 0;
  private lineCounted = 0;
  private lineAtCounted = 1;
  private readonly stack: Open[] = [];
  private root: XmlElement | null = null;
  private inStartTag = false;

  constructor(private readonly text: string) {}

  document(): XmlElement {
    const { text } = this;
    if (text.startsWith("<?xml") && (text.length === 5 || /\s/.test(text.charAt(5)))) this.declaration();
    while (this.pos < text.length) {
      const lt = text.indexOf("<", this.pos);
      if (lt !== this.pos) this.characters(lt === -1 ? text.length : lt);
      else if (text.startsWith("<!--", lt)) this.comment();
      else if (text.startsWith("<![CDATA[", lt)) this.cdata();
      else if (text.startsWith("<?", lt)) this.processingInstruction();
      else if (text.startsWith("</", lt)) this.endTag();
      else if (text.startsWith("<!", lt)) this.fail("malformed", "declarations (<!…>) are not allowed");
      else this.startTag();
    }
    const open = this.stack.at(-1);
    if (open) this.fail("truncated", `the document ends before </${open.element.name}>: the file looks truncated`);
    if (!this.root && text.trimStart().startsWith("<?xml")) this.fail("truncated", "the document ends before its first element: the file looks truncated");
    if (!this.root) this.fail("malformed", "the document contains no XML element");
    return this.root as XmlElement;
  }

  private declaration(): void {
    const end = this.text.indexOf("?>");
    if (end === -1) this.fail("truncated", "the XML declaration is not closed: the file looks truncated");
    const body = this.text.slice(5, end);
    const encoding = /\bencoding\s*=\s*["']([^"']*)["']/.exec(body)?.[1];
    if (encoding !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding)) {
      this.fail("encoding", `the file declares encoding "${encoding}"; save it as UTF-8`);
    }
    this.pos = end + 2;
  }

  private characters(end: number): void {
    const raw = this.text.slice(this.pos, end);
    const current = this.stack.at(-1);
    if (!current) {
      if (raw.trim() !== "") this.fail("malformed", "text outside the root element (is this an XML file?)");
    } else {
      if (raw.includes("]]>")) this.fail("malformed", '"]]>" is not allowed in text');
      current.element.text += this.decodeReferences(raw);
      if (end === this.text.length) this.fail("truncated", `the document ends inside <${current.element.name}>: the file looks truncated`);
    }
    this.pos = end;
  }

  private cdata(): void {
    const current = this.stack.at(-1);
    if (!current) this.fail("malformed", "CDATA outside the root element");
    const start = this.pos + "<![CDATA[".length;
    const end = this.text.indexOf("]]>", start);
    if (end === -1) this.fail("truncated", "a CDATA section is not closed: the file looks truncated");
    (current as Open).element.text += this.text.slice(start, end);
    this.pos = end + 3;
  }

  private comment(): void {
    this.pos += 4; // so "<!-->" is not taken for a whole comment
    this.skipPast("-->", "comment");
  }

  private processingInstruction(): void {
    this.pos += 2;
    const target = this.name("processing instruction");
    if (target.toLowerCase() === "xml") this.fail("malformed", "the XML declaration must be at the very start of the file");
    this.skipPast("?>", "processing instruction");
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.text.indexOf(terminator, this.pos);
    if (end === -1) this.fail("truncated", `a ${what} is not closed: the file looks truncated`);
    this.pos = end + terminator.length;
  }

  private startTag(): void {
    const line = this.line();
    this.pos += 1;
    this.inStartTag = true;
    const name = this.name("element");
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.skipSpace();
      if (this.text.startsWith("/>", this.pos) || this.text.startsWith(">", this.pos)) break;
      if (this.pos >= this.text.length) this.fail("truncated", `the tag <${name}> is not closed: the file looks truncated`);
      if (!hadSpace) this.fail("malformed", `expected a space, ">" or "/>" in <${name}>`);
      const attribute = this.name("attribute");
      this.skipSpace();
      if (this.text[this.pos] !== "=") this.fail("malformed", `the attribute ${attribute} has no value`);
      this.pos += 1;
      this.skipSpace();
      const quote = this.text[this.pos];
      if (quote !== '"' && quote !== "'") this.fail("malformed", `the value of ${attribute} must be quoted`);
      const end = this.text.indexOf(quote as string, this.pos + 1);
      if (end === -1) this.fail("truncated", `the value of ${attribute} is not closed: the file looks truncated`);
      const raw = this.text.slice(this.pos + 1, end);
      if (raw.includes("<")) this.fail("malformed", `"<" is not allowed in the value of ${attribute}`);
      if (attributes.has(attribute)) this.fail("malformed", `the attribute ${attribute} appears twice in <${name}>`);
      attributes.set(attribute, this.decodeReferences(raw).replace(/[\t\n\r]/g, " "));
      this.pos = end + 1;
    }
    this.inStartTag = false;
    const selfClosing = this.text.startsWith("/>", this.pos);
    this.pos += selfClosing ? 2 : 1;
    this.open(name, attributes, line);
    if (selfClosing) this.close(name);
  }

  private endTag(): void {
    this.pos += 2;
    const name = this.name("end tag");
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail("truncated", `the end tag </${name}> is not closed: the file looks truncated`);
    if (this.text[this.pos] !== ">") this.fail("malformed", `expected ">" after </${name}`);
    this.pos += 1;
    this.close(name);
  }

  private open(name: string, attributes: Map<string, string>, line: number): void {
    const parent = this.stack.at(-1);
    if (!parent && this.root) this.fail("malformed", "the document has more than one root element");
    if (this.stack.length >= MAX_DEPTH) this.fail("malformed", `elements are nested more than ${MAX_DEPTH} deep`);

    const scope: Scope = new Map(parent?.scope ?? [["xml", XML_NAMESPACE]]);
    for (const [attribute, value] of attributes) {
      if (attribute === "xmlns") scope.set("", value === "" ? null : value);
      else if (attribute.startsWith("xmlns:")) {
        if (value === "") this.fail("malformed", `the namespace prefix ${attribute.slice(6)} is bound to an empty URI`);
        scope.set(attribute.slice(6), value);
      }
    }
    const colon = name.indexOf(":");
    const prefix = colon === -1 ? "" : name.slice(0, colon);
    const namespace = scope.get(prefix) ?? null;
    if (prefix !== "" && namespace === null) this.fail("malformed", `the namespace prefix "${prefix}" of <${name}> is not declared`);
    for (const attribute of attributes.keys()) {
      const at = attribute.indexOf(":");
      const attributePrefix = at === -1 ? "" : attribute.slice(0, at);
      if (attributePrefix !== "" && attributePrefix !== "xmlns" && !scope.get(attributePrefix)) {
        this.fail("malformed", `the namespace prefix "${attributePrefix}" of the attribute ${attribute} is not declared`);
      }
    }

    const element: XmlElement = { name, local: name.slice(colon + 1), namespace, attributes, children: [], text: "", line };
    if (parent) parent.element.children.push(element);
    else this.root = element;
    this.stack.push({ element, scope });
  }

  private close(name: string): void {
    const open = this.stack.pop();
    // Thrown directly: a mismatched end tag is a broken file even when nothing follows it.
    if (!open) throw new XmlError("malformed", `</${name}> closes nothing`, lineOf(this.text, this.pos));
    if (open.element.name !== name) {
      const message = `</${name}> does not match <${open.element.name}> (line ${open.element.line})`;
      throw new XmlError("malformed", message, lineOf(this.text, this.pos));
    }
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (!match) {
      if (this.pos >= this.text.length) this.fail("truncated", "the file ends inside a tag: it looks truncated");
      this.fail("malformed", `expected a name for the ${what}`);
    }
    this.pos += (match as RegExpExecArray)[0].length;
    return (match as RegExpExecArray)[0];
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos] as string)) this.pos += 1;
    return this.pos > start;
  }

  /** Expands the five predefined entities and numeric references; anything else is refused. */
  private decodeReferences(raw: string): string {
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&<\s]{0,32})(;?)/g, (whole, reference: string, semicolon: string) => {
      if (semicolon === "") this.fail("malformed", `"&" must start an entity reference such as &amp; (found "${whole}")`);
      const predefined = PREDEFINED_ENTITIES[reference];
      if (predefined !== undefined && Object.hasOwn(PREDEFINED_ENTITIES, reference)) return predefined;
      const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(reference);
      if (!numeric) this.fail("malformed", `the entity &${reference}; is not allowed (only &lt; &gt; &amp; &quot; &apos; and &#…;)`);
      const code = numeric?.[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric?.[2]);
      const allowed =
        code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.fail("malformed", `the character reference &${reference}; is not a character XML allows`);
      return String.fromCodePoint(code);
    });
  }

  private line(): number {
    // Counted forward incrementally: positions only grow while reading.
    for (let i = this.lineCounted; i < this.pos; i++) if (this.text.charCodeAt(i) === 10) this.lineAtCounted += 1;
    this.lineCounted = Math.max(this.lineCounted, this.pos);
    return this.lineAtCounted;
  }

  private fail(kind: XmlErrorKind, message: string): never {
    const line = lineOf(this.text, Math.min(this.pos, this.text.length));
    // Nothing closes after this point: the real problem is a cut-off upload, so say that.
    if (kind === "malformed" && (this.stack.length > 0 || this.inStartTag) && this.text.indexOf(">", this.pos) === -1) {
      throw new XmlError("truncated", `${message}, and the file ends there: it looks truncated`, line);
    }
    throw new XmlError(kind, message, line);
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Child elements with this local name (namespaces vary between PSKC producers, names don't). */
export function childrenNamed(element: XmlElement, local: string): XmlElement[] {
  return element.children.filter((child) => child.local === local);
}

export function childNamed(element: XmlElement | undefined, local: string): XmlElement | undefined {
  return element?.children.find((child) => child.local === local);
}

/** Follows a path of local names, e.g. `path(key, "Data", "Secret", "PlainValue")`. */
export function path(element: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  return locals.reduce<XmlElement | undefined>((at, local) => childNamed(at, local), element);
}
