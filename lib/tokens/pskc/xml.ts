// A strict XML reader for PSKC files on top of saxes (a maintained, conformant, non-validating
// parser with no DTD machinery: it never loads external entities and never expands declared
// ones). On top of it the guards PSKC needs: any DOCTYPE or ENTITY declaration refuses the
// document before parsing (S1: no XXE, no billion laughs), elements nest at most MAX_DEPTH
// deep, a document is at most MAX_XML_CHARACTERS long, and every name has its namespace resolved.
import { SaxesParser, type SaxesTagNS } from "saxes";

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
/** Far above any real container (the upload cap for PSKC is 8 MB by default); a guard for direct callers. */
export const MAX_XML_CHARACTERS = 64 * 1024 * 1024;

// saxes' own wording, said the way an admin can act on; `at` is the text read up to the error.
const SAXES_MESSAGES: [RegExp, (match: RegExpExecArray, at: string) => string][] = [
  [/^undefined entity/, (_, at) => `the entity ${at.slice(at.lastIndexOf("&"))} is not allowed (only &lt; &gt; &amp; &quot; &apos; and &#…;)`],
  [/^malformed character entity/, (_, at) => `the character reference ${at.slice(at.lastIndexOf("&"))} is not a character XML allows`],
  [/^disallowed character in entity name/, (_, at) => `"&" must start an entity reference such as &amp; (found "${at.slice(at.lastIndexOf("&"))}")`],
  [/^disallowed character\.$/, (_, at) => `the document contains ${describeCharacter(at.at(-1) ?? "")}, which XML does not allow there`],
  [/^incorrect syntax/, () => "declarations (<!…>) are not allowed"],
  [/^text data outside of root node/, () => "text outside the root element (is this an XML file?)"],
  [/^documents may contain only one root/, () => "the document has more than one root element"],
  [/^unbound namespace prefix: "([^"]*)"/, (m) => `the namespace prefix "${m[1]}" is not declared`],
  [/^duplicate attribute: (.*)\.$/, (m) => `the attribute ${m[1]} appears twice`],
  [/^unquoted attribute value/, () => "an attribute value must be quoted"],
  [/^unexpected close tag/, (_, at) => `${at.slice(at.lastIndexOf("</"))} does not match the element it should close`],
  [/^unmatched closing tag: (.*)\.$/, (m) => `</${m[1]}> closes nothing`],
  [/^document must contain a root element/, () => "the document contains no XML element"],
  [/XML declaration must be at the start|XML declaration must appear at the start/i, () => "the XML declaration must be at the very start of the file"],
  [/^no whitespace between attributes/, () => "expected a space between attributes"],
];

function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x20 ? `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `"${character}"`;
}

export function parseXml(text: string): XmlElement {
  // Checked first: every scan below is linear in the document's length.
  if (text.length > MAX_XML_CHARACTERS) {
    throw new XmlError("malformed", `the document is longer than ${MAX_XML_CHARACTERS} characters`, 0);
  }
  // Refused wherever it appears (comments and CDATA included), before any parsing: a
  // declaration is never needed for PSKC, and saxes would otherwise pass a DOCTYPE through.
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) {
    throw new XmlError("doctype", `the document contains a <!${declaration[1]} declaration`, lineOf(text, declaration.index));
  }
  // saxes reads a bare "&" as the start of a reference up to the next ";", wherever that is.
  const bareAmpersand = findBareAmpersand(text);
  if (bareAmpersand) {
    const found = text.slice(bareAmpersand.index, bareAmpersand.index + 12).split(/[\r\n<]/)[0];
    throw new XmlError("malformed", `"&" must start an entity reference such as &amp; (found "${found}")`, lineOf(text, bareAmpersand.index));
  }

  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let refusal: XmlError | null = null;
  // Thrown from the handlers (saxes calls them synchronously from write), so parsing stops there.
  const refuse = (kind: XmlErrorKind, message: string): never => {
    refusal = new XmlError(kind, message, parser.line);
    throw refusal;
  };

  parser.on("xmldecl", (decl) => {
    if (decl.encoding !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(decl.encoding)) {
      refuse("encoding", `the file declares encoding "${decl.encoding}"; save it as UTF-8`);
    }
  });
  parser.on("doctype", () => refuse("doctype", "the document contains a <!DOCTYPE declaration"));
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (stack.length >= MAX_DEPTH) refuse("malformed", `elements are nested more than ${MAX_DEPTH} deep`);
    const attributes = new Map<string, string>();
    for (const attribute of Object.values(tag.attributes)) attributes.set(attribute.name, attribute.value);
    const element: XmlElement = {
      name: tag.name,
      local: tag.local,
      namespace: tag.uri === "" ? null : tag.uri,
      attributes,
      children: [],
      text: "",
      line: parser.line,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on("closetag", (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on("text", (chunk) => {
    const current = stack.at(-1);
    if (current) current.text += chunk;
  });
  parser.on("cdata", (chunk) => {
    const current = stack.at(-1);
    if (current) current.text += chunk;
  });

  let writing = true;
  try {
    parser.write(text);
    writing = false;
    parser.close();
  } catch (error) {
    if (refusal) throw refusal;
    if (!(error instanceof Error)) throw error;
    const reason = error.message.replace(/^\d+:\d+: /, "");
    // Everything read so far was fine and the input simply stopped: the upload was cut off.
    if (!writing && text.trim() !== "") {
      const open = stack.at(-1);
      const where = open ? `the document ends before </${open.name}>` : "the document ends inside markup";
      throw new XmlError("truncated", `${where}: the file looks truncated`, parser.line);
    }
    throw new XmlError("malformed", friendly(reason, text.slice(0, parser.position)), parser.line);
  }
  if (!root) throw new XmlError("malformed", "the document contains no XML element", 0);
  return root;
}

function friendly(reason: string, at: string): string {
  for (const [pattern, say] of SAXES_MESSAGES) {
    const match = pattern.exec(reason);
    if (match) return say(match, at);
  }
  return reason.replace(/\.$/, "");
}

/** The first "&" outside CDATA and comments that does not start a reference. */
function findBareAmpersand(text: string): RegExpExecArray | null {
  const pattern = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&(?!(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9a-fA-F]+);)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) if (match[0] === "&") return match;
  return null;
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
