/**
 * Renders public/icon.svg (the portal's icon, drawn by hand) into the raster icons browsers ask
 * for: public/favicon.ico (16, 32 and 48 px PNGs in one ICO) and public/apple-touch-icon.png
 * (180 px, square and opaque: iOS rounds the corners itself). Run after changing the SVG:
 * `npx tsx lib/cli/render-icons.ts` (uses the Chromium the e2e tests use).
 */
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { projectRoot } from "../db/schema-files";

const publicFolder = path.join(projectRoot, "public");

/** An ICO file holding PNG images (supported by every browser since 2007). */
function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size % 256, entry); // 256 is written as 0
    header.writeUInt8(size % 256, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

async function main() {
  const svg = fs.readFileSync(path.join(publicFolder, "icon.svg"), "utf8");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--headless", "--disable-gpu"] });
  const page = await browser.newPage();
  const render = async (size: number, square: boolean) => {
    const drawing = square ? svg.replace(/ rx="\d+"/, "") : svg;
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${drawing}`);
    return page.screenshot({ omitBackground: !square, clip: { x: 0, y: 0, width: size, height: size } });
  };
  const favicon = [];
  for (const size of [16, 32, 48]) favicon.push({ size, png: await render(size, false) });
  fs.writeFileSync(path.join(publicFolder, "favicon.ico"), icoOf(favicon));
  fs.writeFileSync(path.join(publicFolder, "apple-touch-icon.png"), await render(180, true));
  await browser.close();
  console.log("Wrote public/favicon.ico and public/apple-touch-icon.png");
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
