/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for tests: every line is
 * a `# HELP`, a `# TYPE` or a sample of a family whose TYPE came before it; anything else throws,
 * naming the line. Histogram and summary samples (_bucket, _sum, _count) belong to their family.
 */
export type Sample = { name: string; labels: Record<string, string>; value: number };
export type MetricFamily = { name: string; type: string; help: string; samples: Sample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Values as Prometheus reads them (Go's ParseFloat: NaN and Inf in any case, as prom-client writes "Nan"). */
function parseValue(text: string, line: string): number {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`Not a sample value: "${text}" in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const eq = text.indexOf("=", at);
    if (eq < 0) throw new Error(`Label without a value in: ${line}`);
    const name = text.slice(at, eq);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new Error(`Bad label name "${name}" in: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`Label value not quoted in: ${line}`);
    let value = "";
    let i = eq + 2;
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === "\\") {
        const next = text[++i];
        value += next === "n" ? "\n" : next;
      } else value += text[i];
    }
    if (i >= text.length) throw new Error(`Unterminated label value in: ${line}`);
    labels[name] = value;
    at = i + 1;
    if (text[at] === ",") at += 1;
    else if (at < text.length) throw new Error(`Expected "," between labels in: ${line}`);
  }
  return labels;
}

export function parsePrometheusText(body: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyOf = (sampleName: string): MetricFamily | undefined => {
    const direct = families.get(sampleName);
    if (direct) return direct;
    const base = sampleName.replace(/_(bucket|sum|count)$/, "");
    const family = families.get(base);
    return family && (family.type === "histogram" || family.type === "summary") ? family : undefined;
  };
  for (const line of body.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name)) throw new Error(`Bad metric name in: ${line}`);
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`Unknown type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    if (line.startsWith("#")) continue; // a comment
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!sample) throw new Error(`Not a sample line: ${line}`);
    const family = familyOf(sample[1]);
    if (!family) throw new Error(`Sample of a family without TYPE: ${line}`);
    family.samples.push({ name: sample[1], labels: sample[2] ? parseLabels(sample[2], line) : {}, value: parseValue(sample[3], line) });
  }
  return families;
}

/** The value of one sample (0 when the family has no sample with exactly these labels). */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, "")) ?? families.get(name);
  const match = family?.samples.find((sample) => sample.name === name && Object.keys(labels).length === Object.keys(sample.labels).length && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return match?.value ?? 0;
}
