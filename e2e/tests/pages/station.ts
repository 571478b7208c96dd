import type { Locator, Page } from "@playwright/test";

/** `/station`: household links to confirm, invite links to make. */
export class StationPage {
  readonly makeInvite: Locator;
  readonly inviteLink: Locator;
  readonly nothingPending: Locator;

  constructor(readonly page: Page) {
    this.makeInvite = page.getByRole("button", { name: "生成邀请链接" });
    this.inviteLink = page.locator("output");
    this.nothingPending = page.getByText("暂时没有要确认的申请");
  }

  async goto() {
    await this.page.goto("/station");
  }

  /** The pending request card of `name`. */
  request(name: string): Locator {
    return this.page.getByRole("article").filter({ hasText: name });
  }
}
