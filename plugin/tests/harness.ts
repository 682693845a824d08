import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';

/** Where screenshots go; docs/images/panel.png is copied from here. */
export const SCREENSHOTS = join(__dirname, 'screenshots');

const DOCS_IMAGES = join(__dirname, '..', '..', 'docs', 'images');

/** Screenshots the harness's content into SCREENSHOTS and docs/images under `name`. */
export async function screenshotForDocs(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, name) });
  mkdirSync(DOCS_IMAGES, { recursive: true });
  copyFileSync(join(SCREENSHOTS, name), join(DOCS_IMAGES, name));
}

/** Opens the harness page (built by tests/harness/build.mjs) on one view. */
export async function openHarness(page: Page, query: Record<string, string>) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const url = pathToFileURL(join(__dirname, 'harness', 'dist', 'index.html'));
  url.search = new URLSearchParams(query).toString();
  await page.goto(url.toString());
  return errors;
}

export interface PixelCount {
  /** Pixels of the colour drawn fully opaque (lines, points). */
  solid: number;
  /** Pixels of the colour drawn translucent (band and region fills). */
  translucent: number;
  /** The first fully opaque pixel of the colour, in CSS pixels relative to the canvas. */
  first?: { x: number; y: number };
}

/** Counts canvas pixels near an RGB colour; uPlot's canvases are transparent, so fills keep their alpha. */
export async function countPixels(
  page: Page,
  canvasIndex: number,
  rgb: [number, number, number],
  tolerance = 40,
) {
  return page.evaluate(
    ({ canvasIndex, rgb, tolerance }) => {
      const canvas = document.querySelectorAll('canvas')[canvasIndex] as HTMLCanvasElement;
      const context = canvas.getContext('2d')!;
      const { data, width } = context.getImageData(0, 0, canvas.width, canvas.height);
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const result: PixelCount = { solid: 0, translucent: 0 };
      for (let i = 0; i < data.length; i += 4) {
        const near =
          Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) <=
          tolerance;
        if (!near) continue;
        const alpha = data[i + 3]!;
        if (alpha > 230) {
          result.solid++;
          if (!result.first) {
            const p = i / 4;
            result.first = { x: (p % width) / ratio, y: Math.floor(p / width) / ratio };
          }
        } else if (alpha > 10 && alpha < 120) {
          result.translucent++;
        }
      }
      return result;
    },
    { canvasIndex, rgb, tolerance },
  );
}

/** Opaque pixels on each canvas of the page: a drawn plot has many, an empty one none. */
export async function opaquePixelsPerCanvas(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('canvas')].map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 200) opaque++;
      return opaque;
    }),
  );
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export interface HarnessColors {
  palette: string[];
  anomaly: string;
  score: string;
}

/** The colours the harness's theme resolves for the palette, anomalies and the score. */
export async function harnessColors(page: Page): Promise<HarnessColors> {
  return page.evaluate(() => (window as unknown as { harnessColors: HarnessColors }).harnessColors);
}
