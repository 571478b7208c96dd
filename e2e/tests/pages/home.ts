import type { Locator, Page } from "@playwright/test";
import { Shell } from "./shell";

/** `/`: the street, the resident's compound, every compound card. */
export class HomePage {
  readonly shell: Shell;
  readonly street: Locator;
  readonly compoundsHeading: Locator;

  constructor(readonly page: Page) {
    this.shell = new Shell(page);
    this.street = page.getByRole("heading", { level: 1 });
    this.compoundsHeading = page.getByRole("heading", { level: 2 });
  }

  async goto() {
    await this.page.goto("/");
  }

  compound(name: string): Locator {
    return this.page.getByRole("main").getByRole("link", { name: new RegExp(`^${name}`) });
  }

  community(name: string): Locator {
    return this.page.getByRole("heading", { level: 3, name });
  }
}
