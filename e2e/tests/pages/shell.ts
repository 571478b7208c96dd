import type { Locator, Page } from "@playwright/test";

/** The frame around every page: top bar and bottom navigation. */
export class Shell {
  readonly topBar: Locator;
  readonly largeText: Locator;
  readonly nav: Locator;

  constructor(readonly page: Page) {
    this.topBar = page.getByRole("banner");
    this.largeText = this.topBar.getByRole("button", { name: /^(大字|A\+)$/ });
    this.nav = page.getByRole("navigation");
  }

  /** The language switch: it names the language it switches to. */
  languageSwitch(to: "English" | "中文"): Locator {
    return this.topBar.getByRole("button", { name: to });
  }

  /** The heading link at the left of the top bar. */
  heading(): Locator {
    return this.topBar.getByRole("link").first();
  }

  navLink(name: string): Locator {
    return this.nav.getByRole("link", { name });
  }
}
