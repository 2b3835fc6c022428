import fs from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { API_ROUTES } from "../../../lib/api/api-routes";
import { openApiDocument } from "../../../lib/api/openapi-document";
import { parseODataFilter } from "../../../lib/api/odata-filter";
import { GENERATED_TYPES_PATH, generateApiTypes } from "../../support/automation-api-types";

describe("the automation API's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document with one operation per route", async () => {
    const document = structuredClone(openApiDocument()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => r.operationId).sort());
    expect(new Set(operations).size).toBe(operations.length);
  });

  it("documents unknown fields as refused (additionalProperties false) in request bodies", () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: { "application/json": { schema: { additionalProperties?: boolean } } } } }>> };
    const body = document.paths["/directory/authenticationMethodDevices/hardwareOathDevices/{deviceId}"].patch.requestBody!.content["application/json"].schema;
    expect(body.additionalProperties).toBe(false);
  });

  it("matches the committed generated types (run `npm run api:types` after changing the API)", async () => {
    expect(fs.readFileSync(GENERATED_TYPES_PATH, "utf8")).toBe(await generateApiTypes());
  });
});

describe("the $filter subset", () => {
  const allowed = { status: ["eq"], serialNumber: ["eq", "startswith"], createdDateTime: ["ge", "le"] } as const;
  it("reads eq, startswith and ge/le conditions joined by and, with quotes escaped", () => {
    expect(parseODataFilter("status eq 'available' and startswith(serialNumber,'O''Brien') and createdDateTime ge 2026-01-01T00:00:00Z", allowed)).toEqual([
      { property: "status", operator: "eq", value: "available" },
      { property: "serialNumber", operator: "startswith", value: "O'Brien" },
      { property: "createdDateTime", operator: "ge", value: "2026-01-01T00:00:00Z" },
    ]);
  });
  it("refuses other operators, properties and syntax with a 400 naming what is supported", () => {
    for (const filter of ["status ne 'x'", "colour eq 'red'", "status eq 'x' or status eq 'y'", "contains(serialNumber,'x')", "serialNumber ge 'a'"]) {
      expect(() => parseODataFilter(filter, allowed)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/Supported/) }));
    }
  });
});
