import type { Locator, Page } from "@playwright/test";
import { Shell } from "./shell";

/** `/compounds/:id`: station, grids, buildings, and "set as my compound". */
export class CompoundPage {
  readonly shell: Shell;
  readonly name: Locator;
  readonly setMine: Locator;

  constructor(readonly page: Page) {
    this.shell = new Shell(page);
    this.name = page.getByRole("heading", { level: 1 });
    this.setMine = page.getByRole("button", { name: /我的小区|my compound/i });
  }

  grid(name: string): Locator {
    return this.page.getByRole("heading", { level: 3, name });
  }
}
