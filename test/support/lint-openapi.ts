// `npm run lint:openapi`: validates the automation API's OpenAPI 3.1 document (as the portal
// serves it at /api/v1/openapi.json) with @apidevtools/swagger-parser, which checks it against the
// OpenAPI 3.1 schema and resolves every $ref. Run by .ci/run.
import SwaggerParser from "@apidevtools/swagger-parser";
import { openApiDocument } from "../../lib/api/openapi-document";

async function main() {
  const document = structuredClone(openApiDocument());
  try {
  const api = (await SwaggerParser.validate(document as never)) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(api.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
  console.log(`OpenAPI ${api.openapi} document is valid: ${Object.keys(api.paths).length} paths, ${operations} operations.`);
} catch (error) {
  console.error(`The OpenAPI document is not valid: ${(error as Error).message}`);
    process.exit(1);
  }
}

void main();
