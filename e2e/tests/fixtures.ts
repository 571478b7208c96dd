import { test as base, expect } from "@playwright/test";
import { mkdirSync } from "node:fs";

/** Where journeys leave screenshots for people to look at. */
export const SCREENSHOTS = "screenshots";
mkdirSync(SCREENSHOTS, { recursive: true });

/**
 * Every test fails if the page logs an error to the console or throws:
 * a resident in WeChat would see a broken page with no explanation.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      page.on("pageerror", (err) => errors.push(err.message));
      await use(errors);
      expect(errors, "console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
